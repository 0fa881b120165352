using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Identity;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>
/// A typed client for Hermes's WhatsApp bridge (docs/bridge-interface.md, docs/hermes-bridge.md). Full JIDs only: a bare number would
/// make the bridge answer 500, so it is refused before any request. Answers are typed: <see cref="BridgeStatus.Ok"/>,
/// <see cref="BridgeStatus.Refused"/> (the bridge says it did not act) or <see cref="BridgeStatus.Unknown"/> (it may
/// have). Express's HTML error pages are read as error text. Requests that are safe to repeat (<c>/health</c>,
/// <c>/chat</c>, <c>/chats</c>, <c>/typing</c>) go through a retrying client; <c>/messages</c> (destructive) and the
/// sends never do: a repeated send can duplicate a message.
/// </summary>
public sealed partial class HermesBridgeClient
{
    /// <summary>The name of the client without retries (polls and sends).</summary>
    public const string HttpClientName = "Hermes.ServicePolicy.HermesBridge";

    /// <summary>The name of the retrying client (requests safe to repeat).</summary>
    public const string SafeHttpClientName = "Hermes.ServicePolicy.HermesBridge.Safe";

    private readonly IHttpClientFactory _clients;
    private readonly HermesBridgeOptions _options;

    /// <summary>Gets the options the client was made with (the gated sender reads its send options here).</summary>
    internal HermesBridgeOptions Options => _options;

    /// <summary>Creates the client; the container does (<c>AddHermesBridge</c>).</summary>
    public HermesBridgeClient(IHttpClientFactory clients, IOptions<HermesBridgeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _options = options.Value;
    }

    /// <summary><c>GET /health</c>.</summary>
    public async Task<BridgeResult<BridgeHealth>> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SafeHttpClientName, HttpMethod.Get, "health", null, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map(json => new BridgeHealth(
            string.Equals(Text(json, "status"), "connected", StringComparison.Ordinal),
            (int)Math.Clamp(BridgeJsonFields.Integer(json, "queueLength") ?? 0, 0, int.MaxValue),
            BridgeJsonFields.Number(json, "uptime") is { } seconds and >= 0 and < 1e9 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero,
            Text(json, "scriptHash")));
    }

    /// <summary>
    /// <c>GET /messages</c>: takes every queued event (destructive: the bridge forgets them; never retried). Keep what
    /// it returns until each event is decided.
    /// </summary>
    public async Task<BridgeResult<IReadOnlyList<IncomingMessage>>> PollAsync(CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpClientName, HttpMethod.Get, "messages", null, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map<IReadOnlyList<IncomingMessage>>(json =>
        {
            var events = new List<IncomingMessage>();
            if (json.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in json.EnumerateArray())
                {
                    if (BridgeEventReader.Read(item) is { } e)
                    {
                        events.Add(e);
                    }
                }
            }

            return events;
        });
    }

    /// <summary>The header that carries a send's idempotency key (<see cref="SendTextAsync(ChatId, string, string?, string?, CancellationToken)"/>).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary><c>POST /send</c>: one call, never retried. 200 is sent; 400, 404 or 503 were not sent; anything else may have been.</summary>
    public Task<BridgeResult<BridgeSent>> SendTextAsync(ChatId chat, string text, string? replyTo = null, CancellationToken cancellationToken = default)
        => SendTextAsync(chat, text, replyTo, null, cancellationToken);

    /// <summary>
    /// <c>POST /send</c> with an <c>Idempotency-Key</c> header (the permit's send id): a bridge that supports it drops a
    /// second request with the same key, say after a gateway restart; the bridge of today ignores the header. Never
    /// retried by this client either way.
    /// </summary>
    public async Task<BridgeResult<BridgeSent>> SendTextAsync(ChatId chat, string text, string? replyTo, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = new Dictionary<string, string> { ["chatId"] = Jid(chat), ["message"] = text };
        if (replyTo is not null)
        {
            body["replyTo"] = replyTo;
        }

        var answer = await SendAsync(HttpClientName, HttpMethod.Post, "send", body, _options.SendTimeout, cancellationToken, idempotencyKey).ConfigureAwait(false);
        return answer.Map(json =>
        {
            var ids = new List<string>();
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("messageIds", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var id in array.EnumerateArray())
                {
                    if (BridgeJsonFields.Text(id) is { } text)
                    {
                        ids.Add(text);
                    }
                }
            }

            return new BridgeSent(Text(json, "messageId"), ids);
        });
    }

    /// <summary><c>POST /send-media</c>: a file on the bridge host; never retried.</summary>
    public async Task<BridgeResult<BridgeSent>> SendMediaAsync(ChatId chat, string filePath, string? caption = null, string? mediaType = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        var body = new Dictionary<string, string> { ["chatId"] = Jid(chat), ["filePath"] = filePath };
        if (caption is not null)
        {
            body["caption"] = caption;
        }

        if (mediaType is not null)
        {
            body["mediaType"] = mediaType;
        }

        var answer = await SendAsync(HttpClientName, HttpMethod.Post, "send-media", body, _options.SendTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map(json => new BridgeSent(Text(json, "messageId"), Text(json, "messageId") is { } id ? [id] : []));
    }

    /// <summary><c>POST /typing</c> (safe to repeat).</summary>
    public async Task<BridgeResult<bool>> TypingAsync(ChatId chat, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SafeHttpClientName, HttpMethod.Post, "typing", new Dictionary<string, string> { ["chatId"] = Jid(chat) }, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map(json => BridgeJsonFields.Flag(json, "success"));
    }

    /// <summary><c>GET /chat/:id</c> (safe to repeat).</summary>
    public async Task<BridgeResult<BridgeChatInfo>> GetChatAsync(ChatId chat, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SafeHttpClientName, HttpMethod.Get, "chat/" + Uri.EscapeDataString(Jid(chat)), null, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map(json =>
        {
            var participants = new List<string>();
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("participants", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var p in array.EnumerateArray())
                {
                    if (BridgeJsonFields.Text(p) is { } participant)
                    {
                        participants.Add(participant);
                    }
                }
            }

            return new BridgeChatInfo(Text(json, "name") ?? string.Empty, BridgeJsonFields.Flag(json, "isGroup"), participants);
        });
    }

    /// <summary>
    /// <c>GET /chats?limit=N</c>, which only some bridges have (not on main; docs/bridge-interface.md §6): a 404 answers
    /// <see cref="BridgeStatus.Refused"/>, and the host builds its recent chats from the events it saw instead.
    /// </summary>
    public async Task<BridgeResult<string>> GetChatsJsonAsync(int limit, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SafeHttpClientName, HttpMethod.Get, "chats?limit=" + Math.Clamp(limit, 1, 200).ToString(CultureInfo.InvariantCulture), null, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answer.Map(json => json.GetRawText());
    }

    // Full JIDs only: the bridge does not normalise ids, and a bare number crashes its send (500).
    private static string Jid(ChatId chat)
        => chat.IsEmpty ? throw new ArgumentException("A chat id is needed: the bridge takes full JIDs only.", nameof(chat)) : chat.ToString();

    private static string? Text(JsonElement json, string name) => BridgeJsonFields.Text(json, name);
}
