using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.HermesBridge.Sending;

/// <summary>
/// The bridge as a transport (<see cref="IMessageSender"/>) for <see cref="ServicePolicy.Gateway.Sending.GatedSender"/>:
/// one <c>POST /send</c> per message, its HTTP outcome reported as the policy counts it (docs/hermes-bridge.md): 200 →
/// delivered (with the bridge's message id); 400, 404, 503 or a refused connection → failed (nothing went out); a
/// timeout, a reset connection, a 500 or an unreadable answer → unknown (it may have gone out). A text longer than the
/// bridge's chunk size goes as one request; a partial multi-part failure comes back as a 500, which is unknown.
/// </summary>
/// <remarks>
/// With <see cref="HermesBridgeOptions.PreferLidChats"/>, a phone chat whose LID the policy knows is addressed by its LID
/// (a contact migrated to LIDs may silently drop sends to its phone JID); with
/// <see cref="HermesBridgeOptions.SendIdempotencyKeys"/>, the permit's send id goes as the idempotency key.
/// </remarks>
public sealed class HermesBridgeMessageSender : IMessageSender
{
    private readonly HermesBridgeClient _bridge;

    /// <summary>Creates the transport over the bridge client.</summary>
    public HermesBridgeMessageSender(HermesBridgeClient bridge)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridge = bridge;
    }

    /// <inheritdoc />
    public async ValueTask<SendReport> SendTextAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = _bridge.Options;
        var target = options.PreferLidChats && message.Chat.Kind == ChatKind.Phone && message.Alias is { IsEmpty: false, Kind: ChatKind.Lid } lid ? lid : message.Chat;
        var sent = await _bridge.SendTextAsync(target, message.Text, null, options.SendIdempotencyKeys ? message.Send.ToString() : null, cancellationToken).ConfigureAwait(false);
        return sent.Status switch
        {
            BridgeStatus.Ok => SendReport.Delivered(sent.Value?.MessageId),
            BridgeStatus.Refused => SendReport.Failed(sent.Error ?? "the bridge refused the send"),
            _ => SendReport.Unknown(sent.Error),
        };
    }
}
