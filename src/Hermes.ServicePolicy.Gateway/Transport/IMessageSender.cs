using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>
/// The sending half of a transport (docs/integrating-a-transport.md): puts one text on the wire and says what happened.
/// Only <see cref="Sending.GatedSender"/> should call it, with a permit the policy handed over.
/// </summary>
/// <remarks>
/// <para>The answer decides what the policy counts, so it must be honest about uncertainty:</para>
/// <list type="bullet">
/// <item><see cref="SendReport.Delivered"/> only when the transport accepted the message (with its message id when it gives one);</item>
/// <item><see cref="SendReport.Failed"/> only when nothing went out for certain (refused before sending: a bad chat, the transport disconnected, a refused connection);</item>
/// <item><see cref="SendReport.Unknown"/> for everything else: a timeout, a reset connection, a server error after the request was sent, an answer it cannot read.</item>
/// </list>
/// <para>Never retry a send on your own unless the far end drops duplicates by <see cref="OutgoingMessage.Send"/>: a retry can
/// send the message twice. An exception thrown here is reported <see cref="SendOutcome.Unknown"/> (it may have gone out).
/// Cancellation after the request left counts as unknown too: the caller has stopped waiting, not the network.</para>
/// </remarks>
public interface IMessageSender
{
    /// <summary>Sends <paramref name="message"/> once and reports what happened.</summary>
    ValueTask<SendReport> SendTextAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
