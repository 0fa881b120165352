using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;

namespace Hermes.ServicePolicy.HermesBridge.Transport;

/// <summary>
/// The recent chats for discovery and name lookup: the bridge's <c>GET /chats</c> when it has it, otherwise the chats the
/// gateway saw in events (id, name, group flag, last activity; metadata only, never a message body). A bridge that
/// answered 404 once is not asked again.
/// </summary>
public sealed class BridgeRecentChats : IRecentChatSource
{
    private readonly HermesBridgeClient _bridge;
    private readonly ConcurrentDictionary<string, RecentChat> _seen = new(StringComparer.Ordinal);
    private volatile bool _bridgeHasNoChats;

    /// <summary>Creates the source over the bridge client.</summary>
    public BridgeRecentChats(HermesBridgeClient bridge)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridge = bridge;
    }

    /// <summary>Records a chat seen in a received message (metadata only).</summary>
    public void Saw(IncomingMessage e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _seen[e.ChatId] = new RecentChat(e.ChatId, e.IsGroup ? null : e.ChatName, e.IsGroup, e.Timestamp > 0 ? e.Timestamp : null);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RecentChat>> GetRecentChatsAsync(int limit, CancellationToken cancellationToken = default)
    {
        if (!_bridgeHasNoChats)
        {
            var answer = await _bridge.GetChatsJsonAsync(limit, cancellationToken).ConfigureAwait(false);
            if (answer.IsOk && Read(answer.Value!) is { } chats)
            {
                return chats;
            }

            _bridgeHasNoChats = answer.HttpStatus == 404;
        }

        var seen = new List<RecentChat>(_seen.Values);
        seen.Sort(static (a, b) => Nullable.Compare(b.LastMessageTimestamp, a.LastMessageTimestamp));
        return seen.Count > limit ? seen.GetRange(0, limit) : seen;
    }

    // [{chatId, name, isGroup, lastMessageTimestamp, unreadCount, isBusiness}], read tolerantly: an entry without a chat
    // id is skipped, a null, missing or mistyped field is left out, never thrown (one bad field must not stall a command).
    private static List<RecentChat>? Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var chats = new List<RecentChat>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (BridgeJsonFields.Text(item, "chatId") is { Length: > 0 } id)
                {
                    chats.Add(new RecentChat(id, BridgeJsonFields.Text(item, "name"), BridgeJsonFields.Flag(item, "isGroup"), BridgeJsonFields.Integer(item, "lastMessageTimestamp") is { } at and > 0 ? at : null));
                }
            }

            return chats;
        }
    }
}
