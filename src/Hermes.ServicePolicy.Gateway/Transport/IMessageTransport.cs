using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>
/// A whole transport for <see cref="ServiceGateway"/> (docs/writing-a-transport.md): the sending half
/// (<see cref="IMessageSender"/>), plus taking what arrived and saying whether it is connected. The gateway calls one
/// method at a time, from its loop; only <see cref="IMessageSender.SendTextAsync"/> may also be called by the agent's
/// sends, concurrently.
/// </summary>
/// <remarks>
/// <para><see cref="ReceiveAsync"/> is one request to the far end, never retried inside: the gateway's loop is the retry,
/// with its backoff. What it returns is the gateway's to keep: the gateway journals every message before deciding it,
/// so a transport whose far end forgets what it handed over (a destructive poll) loses nothing in a crash.</para>
/// <para>Duplicates are fine: the gateway handles a (chat, message id) pair once for seven days. Report a failure (the
/// far end refused, was unreachable, timed out, answered something unreadable) as <see cref="ReceiveResult.Failed"/>
/// with its error text; never throw for it (an exception is reported the same way, with its type).</para>
/// <para>Recent chats for discovery are not part of this port: register an <c>IRecentChatSource</c> with the policy.
/// Fill <see cref="IncomingMessage.AlternateChatId"/> when the transport knows a chat's other identity (its LID mapping).</para>
/// </remarks>
public interface IMessageTransport : IMessageSender
{
    /// <summary>Takes what arrived since the last call (often nothing): one request, never retried here.</summary>
    ValueTask<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Says whether the transport can reach WhatsApp (asked at start, after a failed request, and every round while it
    /// cannot). A far end that does not answer is <see cref="ConnectionCheck.Disconnected"/>, with its error.
    /// </summary>
    ValueTask<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken);
}
