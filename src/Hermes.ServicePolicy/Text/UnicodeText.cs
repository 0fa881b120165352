using System;
using System.Globalization;
using System.Text;

namespace Hermes.ServicePolicy.Text;

/// <summary>Unicode rules shared by targeting, discovery and the command-prefix check.</summary>
internal static class UnicodeText
{
    /// <summary>
    /// Characters that render as nothing: format characters (zero-width spaces and joiners, bidi marks and
    /// overrides, the byte-order mark, soft hyphens) and the fillers that are letters only on paper.
    /// </summary>
    public static bool IsInvisible(char c)
        => c is '\u034F' or '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u180E'
            || (c >= '\uFE00' && c <= '\uFE0F')
            || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>Bidi embeddings, overrides and isolates, which can make a name display as something it is not.</summary>
    public static bool IsBidiControl(char c)
        => c is '\u061C' or '\u200E' or '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    /// <summary>Skips leading white space and invisible characters; allocation-free.</summary>
    public static ReadOnlySpan<char> TrimStartInvisible(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && (char.IsWhiteSpace(text[i]) || IsInvisible(text[i])))
        {
            i++;
        }

        return text[i..];
    }

    /// <summary>Removes invisible characters anywhere and trims white space at both ends.</summary>
    public static string StripInvisibleAndTrim(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsInvisible(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// The key names are compared by: NFKC, invisible characters removed, case folded, white space collapsed to one
    /// space and trimmed.
    /// </summary>
    public static string NameKey(string name)
    {
        var normalized = name.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normalized.Length);
        var pendingSpace = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (IsInvisible(c) || char.IsControl(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        // Upper then lower folds the cases a plain ToLower misses (for example the Kelvin sign, final sigma).
        return builder.ToString().ToUpperInvariant().ToLowerInvariant();
    }

    /// <summary>
    /// A display name made safe to show: control, bidi and invisible characters removed, white space collapsed,
    /// cut to <paramref name="maxLength"/> characters without splitting a surrogate pair.
    /// </summary>
    public static string SanitizeDisplayName(string? name, int maxLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(name.Length, maxLength + 1));
        var pendingSpace = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (char.IsControl(c) || IsInvisible(c) || IsBidiControl(c))
            {
                continue;
            }

            var width = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]) ? 2 : 1;
            if (char.IsSurrogate(c) && width == 1)
            {
                continue; // a lone surrogate is not text
            }

            if (builder.Length + (pendingSpace ? 1 : 0) + width > maxLength)
            {
                break;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(name, i, width);
            i += width - 1;
        }

        return builder.ToString();
    }
}
