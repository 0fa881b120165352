using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>
/// An inbound event of <c>GET /messages</c> (docs/bridge-interface.md §3), with the fields a gateway needs. Ids are raw as the bridge
/// sends them (a sender can be a LID); parse them with <c>ChatId.TryParse</c>. Message bodies are the user's: never log them.
/// </summary>
public sealed record BridgeEvent
{
    /// <summary>Gets the WhatsApp message id (re-deliveries repeat it: de-duplicate by it).</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the raw chat JID.</summary>
    public required string ChatId { get; init; }

    /// <summary>Gets the raw sender JID (the chat in a one-to-one chat; can be a LID).</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the push name, else the sender's digits.</summary>
    public string? SenderName { get; init; }

    /// <summary>Gets the chat name (a push name in a one-to-one chat; a group's digits, not its subject).</summary>
    public string? ChatName { get; init; }

    /// <summary>Gets whether the chat is a group.</summary>
    public bool IsGroup { get; init; }

    /// <summary>Gets the text or caption (placeholders such as <c>[Sticker]</c> for other content).</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Gets whether it carries media.</summary>
    public bool HasMedia { get; init; }

    /// <summary>Gets the media type (<c>image</c>, <c>ptt</c>, …), empty when none.</summary>
    public string MediaType { get; init; } = string.Empty;

    /// <summary>Gets the local file paths of downloaded media on the bridge host.</summary>
    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>Gets when it was sent, in Unix seconds (0 when the bridge gave none).</summary>
    public long Timestamp { get; init; }

    /// <summary>Gets whether the owner typed it (bot mode forwarding).</summary>
    public bool FromOwner { get; init; }

    /// <summary>Gets an alternate JID for the chat, when a newer bridge gives one (<c>remoteJidAlt</c>, <c>senderPn</c>).</summary>
    public string? AlternateChatId { get; init; }

    /// <summary>
    /// Reads one event tolerantly (a null, missing or mistyped field is skipped; lone surrogates become U+FFFD); null when
    /// it lacks a message id or a chat id (the bridge never sends such, a fake or a broken bridge might).
    /// </summary>
    public static BridgeEvent? Read(JsonElement json)
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

        return new BridgeEvent
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
