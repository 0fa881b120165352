using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Hermes.ServicePolicy.Discovery;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// Reads and checks the fields of a scenario step (FORMAT.md): a line that is not one JSON object, a key given twice,
/// a string that is not valid Unicode, a missing field, a field of the wrong type or out of range, or a time or
/// duration that is not ISO 8601 is a <see cref="ScenarioFormatException"/>, never a crash or a silent default.
/// </summary>
internal static partial class StepFields
{
    /// <summary>The Unix time of 9999-12-31T23:59:59Z, the last second a <see cref="DateTimeOffset"/> can hold.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    internal static JsonDocument ParseLine(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException($"bad JSON: {ex.Message}", ex);
        }

        try
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioFormatException("a step is a JSON object");
            }

            Validate(document.RootElement, "step");
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>No key twice in one object, no string (or key) that is not valid Unicode, anywhere in the step.</summary>
    private static void Validate(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = ValidText(property.Name, path);
                    if (!keys.Add(name))
                    {
                        throw new ScenarioFormatException($"the key '{name}' is given twice in {path}");
                    }

                    Validate(property.Value, $"'{name}'");
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Validate(item, path);
                }

                break;
            case JsonValueKind.String:
                string text;
                try
                {
                    text = element.GetString()!;
                }
                catch (InvalidOperationException ex)
                {
                    throw new ScenarioFormatException($"a string in {path} is not valid Unicode", ex);
                }

                ValidText(text, path);
                break;
        }
    }

    private static string ValidText(string text, string path)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new ScenarioFormatException($"a string in {path} is not valid Unicode (a lone surrogate at position {i})");
            }
        }

        return text;
    }

    internal static List<RecentChat> ReadRecentChats(JsonElement chats)
    {
        if (chats.ValueKind != JsonValueKind.Array)
        {
            throw new ScenarioFormatException("chats must be an array");
        }

        var list = new List<RecentChat>();
        foreach (var chat in chats.EnumerateArray())
        {
            if (chat.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioFormatException("each entry of chats is an object {chatId, name, isGroup?, lastMessageTimestamp?}");
            }

            list.Add(new RecentChat(
                RequiredString(chat, "chatId"),
                OptionalString(chat, "name"),
                OptionalBool(chat, "isGroup") ?? false,
                OptionalUnixSeconds(chat, "lastMessageTimestamp"),
                OptionalInt(chat, "unreadCount") ?? 0,
                OptionalBool(chat, "isBusiness") ?? false));
        }

        return list;
    }

    private static long? OptionalUnixSeconds(JsonElement step, string name)
        => step.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is >= 0 and <= MaxUnixSeconds
                ? seconds
                : throw new ScenarioFormatException($"field '{name}' must be whole Unix seconds from 0 to {MaxUnixSeconds}"))
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();

    /// <summary>An ISO 8601 time with a date, a time and a zone (<c>2026-11-24T09:00:00Z</c>).</summary>
    internal static DateTimeOffset ParseTime(string text)
        => IsoTime().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new ScenarioFormatException($"'{text}' is not an ISO 8601 time with a zone (for example 2026-11-24T09:00:00Z)");

    internal static TimeSpan ParseDuration(string text)
    {
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new ScenarioFormatException($"'{text}' is not an ISO 8601 duration", ex);
        }
    }

    internal static JsonElement Required(JsonElement step, string name)
        => step.TryGetProperty(name, out var value) ? value : throw new ScenarioFormatException($"missing field '{name}'");

    internal static string RequiredString(JsonElement step, string name)
    {
        var value = Required(step, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ScenarioFormatException($"field '{name}' must be a string");
    }

    internal static string RequiredNonEmptyString(JsonElement step, string name)
        => RequiredString(step, name) is { Length: > 0 } text ? text : throw new ScenarioFormatException($"field '{name}' must not be empty");

    internal static string? OptionalString(JsonElement step, string name)
        => step.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ScenarioFormatException($"field '{name}' must be a string"))
            : null;

    internal static bool? OptionalBool(JsonElement step, string name)
        => step.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw new ScenarioFormatException($"field '{name}' must be true or false"))
            : null;

    internal static int? OptionalInt(JsonElement step, string name)
        => step.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw new ScenarioFormatException($"field '{name}' must be a whole number"))
            : null;
}
