using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Xml;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The JSON form of a <see cref="PolicyEvent"/>: one object with snake_case fields (<c>seq</c>, <c>type</c>,
/// <c>time</c>, <c>chat</c>, <c>actor</c>, <c>reason</c>, <c>draft</c>, <c>session</c>, <c>from</c>, <c>to</c>,
/// <c>count</c>, <c>retry_after</c> as ISO 8601, …). Fields without a value are left out. Used by the JSON Lines
/// audit sink and by stores, so the audit trail and the log read the same.
/// </summary>
public static class PolicyEventJson
{
    /// <summary>Writer options for event lines: readable UTF-8 (a log file, never embedded in HTML).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="policyEvent"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, PolicyEvent policyEvent)
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

        WriteIfPresent(writer, "detail", e.Detail);
        writer.WriteEndObject();
    }

    /// <summary>Formats <paramref name="policyEvent"/> as one line of JSON (no trailing newline).</summary>
    public static string ToJson(PolicyEvent policyEvent)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            Write(writer, policyEvent);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads an event written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The JSON is not an event (unknown type, bad field).</exception>
    public static PolicyEvent Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A policy event is a JSON object.");
        }

        var typeName = json.GetProperty("type").GetString();
        if (!PolicyEventTypes.TryParse(typeName, out var type))
        {
            throw new FormatException($"Unknown policy event type '{typeName}'.");
        }

        return new PolicyEvent
        {
            Sequence = json.GetProperty("seq").GetInt64(),
            Type = type,
            Timestamp = DateTimeOffset.Parse(json.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Chat = ReadChat(json, "chat"),
            Alias = ReadChat(json, "alias"),
            Actor = ReadString(json, "actor"),
            Reason = ReadString(json, "reason") is { } reason ? (ReasonCodes.TryParse(reason, out var code) ? code : throw new FormatException($"Unknown reason '{reason}'.")) : ReasonCode.None,
            DraftId = ReadString(json, "draft"),
            SessionId = ReadString(json, "session"),
            FromMode = ReadMode(json, "from"),
            ToMode = ReadMode(json, "to"),
            Count = json.TryGetProperty("count", out var count) ? count.GetInt32() : 0,
            RetryAfter = ReadString(json, "retry_after") is { } retry ? XmlConvert.ToTimeSpan(retry) : null,
            Text = ReadString(json, "text"),
            HasMedia = json.TryGetProperty("media", out var media) && media.GetBoolean(),
            Initiator = ReadString(json, "initiator") switch
            {
                null => null,
                "agent" => Policy.Initiator.Agent,
                _ => Policy.Initiator.Operator,
            },
            ExpiresAt = ReadString(json, "expires_at") is { } expires ? DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
            Detail = ReadString(json, "detail"),
        };
    }

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? ReadString(JsonElement json, string name)
        => json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ChatId ReadChat(JsonElement json, string name)
        => ReadString(json, name) is { } text ? ChatId.Parse(text) : default;

    private static ServiceChatMode? ReadMode(JsonElement json, string name)
        => ReadString(json, name) is { } text ? (ServiceChatModes.TryParse(text, out var mode) ? mode : throw new FormatException($"Unknown mode '{text}'.")) : null;
}
