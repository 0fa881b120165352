using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>
/// Reads fields of the bridge's JSON tolerantly: every string from the bridge is untrusted, and a field that is null,
/// missing or of another type is skipped (null, false, 0), never thrown. A string whose escapes leave a lone surrogate
/// (<c>"\ud800"</c>, which <see cref="JsonElement.GetString"/> refuses) is read with each lone surrogate replaced by
/// U+FFFD, so every string that reaches the gateway, its journal or the policy is valid Unicode.
/// </summary>
internal static class BridgeJsonFields
{
    /// <summary>A string property of an object, or null.</summary>
    public static string? Text(JsonElement json, string name)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) ? Text(value) : null;

    /// <summary>A string value, or null when it is not a string.</summary>
    public static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return Unescape(value.GetRawText());
        }
    }

    /// <summary>A <c>true</c> property; anything else is false.</summary>
    public static bool Flag(JsonElement json, string name)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A whole number property that fits in 64 bits, or null.</summary>
    public static long? Integer(JsonElement json, string name)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    /// <summary>A number property, or null.</summary>
    public static double? Number(JsonElement json, string name)
        => json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;

    // The raw text of a JSON string (quotes included; the parser has already checked its escapes), decoded by hand.
    private static string Unescape(string raw)
    {
        var builder = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            c = raw[++i];
            builder.Append(c switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => (char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                _ => c, // \" \\ \/
            });
            if (c == 'u')
            {
                i += 4;
            }
        }

        // Pairs stay; every lone surrogate becomes U+FFFD.
        for (var i = 0; i < builder.Length; i++)
        {
            if (char.IsHighSurrogate(builder[i]) && i + 1 < builder.Length && char.IsLowSurrogate(builder[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(builder[i]))
            {
                builder[i] = '\uFFFD';
            }
        }

        return builder.ToString();
    }
}
