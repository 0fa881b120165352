using System.Collections.Generic;
using System.Text.Json;
using Hermes.ServicePolicy.Gateway.Transport;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>Reads one event of <c>GET /messages</c> (docs/bridge-interface.md §3) as an <see cref="IncomingMessage"/>.</summary>
internal static class BridgeEventReader
{
    /// <summary>
    /// Reads tolerantly (a null, missing or mistyped field is skipped; lone surrogates become U+FFFD); null when the event
    /// lacks a message id or a chat id (the bridge never sends such, a fake or a broken bridge might).
    /// </summary>
    public static IncomingMessage? Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || Text(json, "messageId") is not { Length: > 0 } id || Text(json, "chatId") is not { Length: > 0 } chat)
        {
            return null;
        }

        var media = new List<string>();
        if (json.TryGetProperty("mediaUrls", out var urls) && urls.ValueKind == JsonValueKind.Array)
        {
            foreach (var url in urls.EnumerateArray())
            {
                if (BridgeJsonFields.Text(url) is { } path)
                {
                    media.Add(path);
                }
            }
        }

        return new IncomingMessage
        {
            MessageId = id,
            ChatId = chat,
            SenderId = Text(json, "senderId"),
            SenderName = Text(json, "senderName"),
            ChatName = Text(json, "chatName"),
            IsGroup = Flag(json, "isGroup"),
            Body = Text(json, "body") ?? string.Empty,
            HasMedia = Flag(json, "hasMedia"),
            MediaType = Text(json, "mediaType") ?? string.Empty,
            MediaUrls = media,
            Timestamp = Seconds(json),
            FromOwner = Flag(json, "fromOwner"),
            AlternateChatId = Text(json, "remoteJidAlt") ?? Text(json, "chatIdAlt") ?? Text(json, "senderPn"),
        };
    }

    private static string? Text(JsonElement json, string name) => BridgeJsonFields.Text(json, name);

    private static bool Flag(JsonElement json, string name) => BridgeJsonFields.Flag(json, name);

    // A number, or a Long-shaped object {low, high, unsigned} for some messages (docs/bridge-interface.md §3).
    private static long Seconds(JsonElement json)
    {
        if (!json.TryGetProperty("timestamp", out var value))
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds))
        {
            return seconds;
        }

        if (BridgeJsonFields.Integer(value, "low") is { } lo)
        {
            var hi = BridgeJsonFields.Integer(value, "high") ?? 0;
            return (hi << 32) | (uint)lo;
        }

        return 0;
    }
}
