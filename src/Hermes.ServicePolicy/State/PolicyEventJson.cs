using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Xml;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The JSON form of a <see cref="PolicyEvent"/>: one object with snake_case fields (<c>seq</c>, <c>type</c>,
/// <c>time</c>, <c>chat</c>, <c>actor</c>, <c>reason</c>, <c>draft</c>, <c>session</c>, <c>from</c>, <c>to</c>,
/// <c>count</c>, <c>retry_after</c> as ISO 8601, …). Fields without a value are left out. Used by the JSON Lines
/// audit sink and by stores, so the audit trail and the log read the same. A store that keeps events as JSON (a
/// database column) writes <see cref="ToJson"/> and reads <see cref="FromJson"/>.
/// </summary>
public static class PolicyEventJson
{
    /// <summary>Writer options for event lines: readable UTF-8 (a log file, never embedded in HTML).</summary>
    internal static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="policyEvent"/> as one JSON object.</summary>
    internal static void Write(Utf8JsonWriter writer, PolicyEvent policyEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(policyEvent);
        var e = policyEvent;
        writer.WriteStartObject();
        writer.WriteNumber("seq", e.Sequence);
        writer.WriteString("type", e.Type.ToCode());
        writer.WriteString("time", e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        if (!e.Chat.IsEmpty)
        {
            writer.WriteString("chat", e.Chat.ToString());
        }

        if (!e.Alias.IsEmpty)
        {
            writer.WriteString("alias", e.Alias.ToString());
        }

        WriteIfPresent(writer, "actor", e.Actor);
        if (e.Reason != ReasonCode.None)
        {
            writer.WriteString("reason", e.Reason.ToCode());
        }

        WriteIfPresent(writer, "draft", e.DraftId);
        WriteIfPresent(writer, "handle", e.Handle);
        WriteIfPresent(writer, "session", e.SessionId);
        if (e.FromMode is { } from)
        {
            writer.WriteString("from", from.ToCode());
        }

        if (e.ToMode is { } to)
        {
            writer.WriteString("to", to.ToCode());
        }

        if (e.Count != 0)
        {
            writer.WriteNumber("count", e.Count);
        }

        if (e.RetryAfter is { } retry)
        {
            writer.WriteString("retry_after", XmlConvert.ToString(retry));
        }

        WriteIfPresent(writer, "text", e.Text);
        if (e.HasMedia)
        {
            writer.WriteBoolean("media", true);
        }

        if (e.Initiator is { } initiator)
        {
            writer.WriteString("initiator", initiator == Initiator.Agent ? "agent" : "operator");
        }

        if (e.ExpiresAt is { } expires)
        {
            writer.WriteString("expires_at", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        if (!e.Send.IsEmpty)
        {
            writer.WriteString("send", e.Send.ToString());
        }

        if (e.ConfirmBy is { } confirmBy)
        {
            writer.WriteString("confirm_by", confirmBy.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        if (e.PermittedAt is { } permittedAt)
        {
            writer.WriteString("permitted_at", permittedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        if (e.FirstContact)
        {
            writer.WriteBoolean("first_contact", true);
        }

        WriteIfPresent(writer, "transport_message_id", e.TransportMessageId);
        WriteIfPresent(writer, "error", e.Error);
        WriteIfPresent(writer, "detail", e.Detail);
        if (e.DecidedAt != 0)
        {
            writer.WriteNumber("decided_at", e.DecidedAt);
        }

        if (e.Counters is { } counters)
        {
            writer.WritePropertyName("counters");
            FileCheckpointJson.Write(writer, counters);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Formats the event as one line of JSON (no trailing newline), the audit line format of
    /// docs/behaviour.md#audit-events: snake_case fields (<c>seq</c>, <c>type</c>, <c>time</c>, <c>chat</c>,
    /// <c>actor</c>, <c>reason</c>, <c>send</c>, <c>text</c>, …), those without a value left out. The JSON Lines sink
    /// writes exactly this.
    /// </summary>
    public static string ToJson(this PolicyEvent policyEvent)
    {
        ArgumentNullException.ThrowIfNull(policyEvent);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            Write(writer, policyEvent);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads an event written by <see cref="ToJson"/> (a store that keeps events as JSON, such as a database column).</summary>
    /// <exception cref="FormatException">The JSON is not a policy event.</exception>
    public static PolicyEvent FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException or ArgumentException)
        {
            throw new FormatException($"Not a policy event: {ex.Message}", ex);
        }
    }

    /// <summary>Reads an event written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The JSON is not an event (unknown type, bad field).</exception>
    internal static PolicyEvent Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A policy event is a JSON object.");
        }

        // One pass over the properties: start-up replays every event of the log through here.
        long sequence = 0;
        PolicyEventType? type = null;
        DateTimeOffset? time = null;
        ChatId chat = default, alias = default;
        string? actor = null, draft = null, session = null, text = null, detail = null, handle = null;
        var reason = ReasonCode.None;
        ServiceChatMode? from = null, to = null;
        var count = 0;
        TimeSpan? retryAfter = null;
        var media = false;
        Initiator? initiator = null;
        DateTimeOffset? expiresAt = null, confirmBy = null, permittedAt = null;
        SendId send = default;
        var firstContact = false;
        string? transportMessageId = null, error = null;
        PolicyCheckpoint? counters = null;
        long decidedAt = 0;
        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "seq":
                    sequence = value.GetInt64();
                    break;
                case "type":
                    var typeName = value.GetString();
                    type = PolicyEventTypes.TryParse(typeName, out var parsedType) ? parsedType : throw new FormatException($"Unknown policy event type '{typeName}'.");
                    break;
                case "time":
                    time = ReadTime(value);
                    break;
                case "chat":
                    chat = ReadChat(value);
                    break;
                case "alias":
                    alias = ReadChat(value);
                    break;
                case "actor":
                    actor = value.GetString();
                    break;
                case "reason":
                    var reasonName = value.GetString();
                    reason = ReasonCodes.TryParse(reasonName, out var code) ? code : throw new FormatException($"Unknown reason '{reasonName}'.");
                    break;
                case "draft":
                    draft = value.GetString();
                    break;
                case "handle":
                    handle = value.GetString();
                    break;
                case "session":
                    session = value.GetString();
                    break;
                case "from":
                    from = ReadMode(value);
                    break;
                case "to":
                    to = ReadMode(value);
                    break;
                case "count":
                    count = value.GetInt32();
                    break;
                case "retry_after":
                    retryAfter = XmlConvert.ToTimeSpan(value.GetString()!);
                    break;
                case "text":
                    text = value.GetString();
                    break;
                case "media":
                    media = value.GetBoolean();
                    break;
                case "initiator":
                    initiator = value.GetString() == "agent" ? Initiator.Agent : Initiator.Operator;
                    break;
                case "expires_at":
                    expiresAt = ReadTime(value);
                    break;
                case "detail":
                    detail = value.GetString();
                    break;
                case "send":
                    var sendText = value.GetString();
                    send = SendId.TryParse(sendText, out var parsedSend) ? parsedSend : throw new FormatException($"'{sendText}' is not a send id.");
                    break;
                case "confirm_by":
                    confirmBy = ReadTime(value);
                    break;
                case "permitted_at":
                    permittedAt = ReadTime(value);
                    break;
                case "first_contact":
                    firstContact = value.GetBoolean();
                    break;
                case "transport_message_id":
                    transportMessageId = value.GetString();
                    break;
                case "error":
                    error = value.GetString();
                    break;
                case "decided_at":
                    decidedAt = value.GetInt64();
                    break;
                case "counters":
                    counters = FileCheckpointJson.Read(value);
                    break;
                default:
                    throw new FormatException($"Unknown field '{property.Name}' in a policy event.");
            }
        }

        if (type is null || time is null)
        {
            throw new FormatException("A policy event needs 'type' and 'time'.");
        }

        return new PolicyEvent
        {
            Sequence = sequence,
            Type = type.Value,
            Timestamp = time.Value,
            Chat = chat,
            Alias = alias,
            Actor = actor,
            Reason = reason,
            DraftId = draft,
            Handle = handle,
            SessionId = session,
            FromMode = from,
            ToMode = to,
            Count = count,
            RetryAfter = retryAfter,
            Text = text,
            HasMedia = media,
            Initiator = initiator,
            ExpiresAt = expiresAt,
            Detail = detail,
            Send = send,
            ConfirmBy = confirmBy,
            PermittedAt = permittedAt,
            FirstContact = firstContact,
            TransportMessageId = transportMessageId,
            Error = error,
            Counters = counters,
            DecidedAt = decidedAt,
        };
    }

    private static DateTimeOffset ReadTime(JsonElement value)
        => value.TryGetDateTimeOffset(out var time) ? time.ToUniversalTime() : throw new FormatException($"'{value.GetRawText()}' is not an ISO 8601 time.");

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static ChatId ReadChat(JsonElement value)
    {
        var text = value.GetString() ?? throw new FormatException("A chat is a JID string.");
        return ChatId.TryParse(text.AsSpan(), out var chat, out var error) ? chat : throw new FormatException($"'{text}' is not a JID: {error.Describe()}.");
    }

    private static ServiceChatMode ReadMode(JsonElement value)
    {
        var text = value.GetString();
        return ServiceChatModes.TryParse(text, out var mode) ? mode : throw new FormatException($"Unknown mode '{text}'.");
    }
}
