using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.HermesBridge.Transport;

/// <summary>
/// Hermes's bridge as a transport (<see cref="IMessageTransport"/>, docs/hermes-bridge.md). Receiving is one
/// <c>GET /messages</c> (destructive, never retried), each message given its LID or phone alternate from the bridge's
/// LID mapping files when the bridge did not send one. Connection is <c>GET /health</c>. Sending is one <c>POST /send</c>
/// per message, its HTTP outcome reported as the policy counts it: 200 → delivered (with the bridge's message id); 400,
/// 401, 403, 404, 503 or a refused connection → failed (nothing went out); a timeout, a reset connection, a 500 or an
/// unreadable answer → unknown (it may have gone out). A text longer than the bridge's chunk size goes as one request;
/// a partial multi-part failure comes back as a 500, which is unknown.
/// </summary>
/// <remarks>
/// With <see cref="HermesBridgeOptions.PreferLidChats"/>, a phone chat whose LID the policy knows is addressed by its LID
/// (a contact migrated to LIDs may silently drop sends to its phone JID); with
/// <see cref="HermesBridgeOptions.SendIdempotencyKeys"/>, a permit's send id goes as the idempotency key (the gateway's
/// own messages to the owner carry none).
/// </remarks>
public sealed class HermesBridgeTransport : IMessageTransport
{
    private readonly HermesBridgeClient _bridge;
    private readonly BridgeRecentChats? _recentChats;
    private readonly LidMappingFiles _lids;

    /// <summary>Creates the transport over the bridge client.</summary>
    /// <param name="bridge">The bridge client.</param>
    /// <param name="recentChats">Told of every chat received, for discovery when the bridge has no <c>/chats</c> (optional).</param>
    public HermesBridgeTransport(HermesBridgeClient bridge, BridgeRecentChats? recentChats = null)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridge = bridge;
        _recentChats = recentChats;
        _lids = new LidMappingFiles(bridge.Options.SessionDirectory);
    }

    /// <inheritdoc />
    public async ValueTask<SendReport> SendTextAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = _bridge.Options;
        var target = options.PreferLidChats && message.Chat.Kind == ChatKind.Phone && message.Alias is { IsEmpty: false, Kind: ChatKind.Lid } lid ? lid : message.Chat;
        var key = options.SendIdempotencyKeys && !message.Send.IsEmpty ? message.Send.ToString() : null;
        var sent = await _bridge.SendTextAsync(target, message.Text, null, key, cancellationToken).ConfigureAwait(false);
        return sent.Status switch
        {
            BridgeStatus.Ok => SendReport.Delivered(sent.Value?.MessageId),
            BridgeStatus.Refused => SendReport.Failed(sent.Error ?? "the bridge refused the send"),
            _ => SendReport.Unknown(sent.Error),
        };
    }

    /// <inheritdoc />
    public async ValueTask<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        var polled = await _bridge.PollAsync(cancellationToken).ConfigureAwait(false);
        if (!polled.IsOk)
        {
            return ReceiveResult.Failed(polled.Error ?? $"the bridge answered /messages: {polled.Status}");
        }

        var messages = polled.Value!;
        List<IncomingMessage>? withAlternates = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            _recentChats?.Saw(message); // metadata only
            if (message.AlternateChatId is null && ChatId.TryParse(message.ChatId, out var chat) && _lids.AlternateOf(chat) is { IsEmpty: false } mapped)
            {
                withAlternates ??= [.. messages];
                withAlternates[i] = message with { AlternateChatId = mapped.ToString() };
            }
        }

        return ReceiveResult.Received(withAlternates ?? messages);
    }

    /// <inheritdoc />
    public async ValueTask<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken)
    {
        var health = await _bridge.GetHealthAsync(cancellationToken).ConfigureAwait(false);
        if (!health.IsOk)
        {
            return ConnectionCheck.Disconnected(health.Error ?? "the bridge did not answer /health");
        }

        return health.Value!.Connected ? ConnectionCheck.Connected : ConnectionCheck.Disconnected("the bridge says WhatsApp is not connected");
    }
}
