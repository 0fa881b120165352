using System;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Hermes.ServicePolicy.Text;

/// <summary>
/// Unicode rules shared by targeting, discovery, configuration and the command-prefix check. Every rule works on code
/// points (so characters outside the Basic Multilingual Plane, such as tags, count), and none depends on ICU: the
/// answers are the same under <c>InvariantGlobalization</c>.
/// </summary>
internal static class UnicodeText
{
    private static readonly int[] DefaultIgnorable = LoadRanges();

    /// <summary>
    /// Whether a code point renders as nothing: white space, controls (C0, DEL, C1), format characters, every
    /// Default_Ignorable_Code_Point (zero-width characters, bidi controls, variation selectors in every plane,
    /// Mongolian selectors, Hangul fillers, tags, musical format characters) and the blank braille pattern U+2800.
    /// </summary>
    public static bool IsInvisible(int codePoint) => IsWhiteSpace(codePoint) || IsIgnorable(codePoint);

    /// <summary>Invisible and not white space: what is removed from names rather than collapsed to one space.</summary>
    public static bool IsIgnorable(int codePoint)
    {
        if (codePoint < 0xA0)
        {
            return codePoint < 0x20 || codePoint is >= 0x7F and <= 0x9F;
        }

        if (codePoint == 0x2800)
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.Control or UnicodeCategory.Format || InRanges(DefaultIgnorable, codePoint);
    }

    /// <summary>White space (Unicode White_Space), for example U+0020, U+00A0, U+3000.</summary>
    public static bool IsWhiteSpace(int codePoint)
        => codePoint < 0x10000 ? char.IsWhiteSpace((char)codePoint) : Rune.IsWhiteSpace(new Rune(codePoint));

    /// <summary>Whether the text holds a lone surrogate (it is not valid Unicode).</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Skips leading invisible characters (white space included); allocation-free.</summary>
    public static ReadOnlySpan<char> TrimStartInvisible(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done || !IsInvisible(rune.Value))
            {
                break; // a lone surrogate is not invisible: it stops the skip like any visible character
            }

            i += consumed;
        }

        return text[i..];
    }

    /// <summary>Removes invisible characters anywhere (white space included) and trims white space at both ends.</summary>
    public static string StripInvisibleAndTrim(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var (start, length, codePoint) in CodePoints(text))
        {
            if (IsWhiteSpace(codePoint) || !IsIgnorable(codePoint))
            {
                builder.Append(text, start, length);
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// Text a person typed, folded for matching a keyword or a handle: invisible characters removed (also inside), then
    /// NFKC (full-width and other compatibility forms fold to their plain twins), then upper case (invariant).
    /// </summary>
    public static string FoldTyped(string text)
    {
        var visible = new StringBuilder(text.Length);
        foreach (var (start, length, codePoint) in CodePoints(text))
        {
            if (!IsInvisible(codePoint))
            {
                visible.Append(text, start, length);
            }
        }

        return UnicodeNormalization.Normalize(visible.ToString(), NormalizationForm.FormKC).ToUpperInvariant();
    }

    /// <summary>
    /// A name with every invisible character and lone surrogate removed, white space collapsed to one space and
    /// trimmed, in NFC. Display and matching both start from this; matching uses the whole of it.
    /// </summary>
    public static string SanitizeName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(name.Length);
        var pendingSpace = false;
        foreach (var (start, length, codePoint) in CodePoints(name))
        {
            if (IsWhiteSpace(codePoint))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (IsIgnorable(codePoint) || codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(name, start, length);
        }

        return UnicodeNormalization.Normalize(builder.ToString(), NormalizationForm.FormC);
    }

    /// <summary>A sanitised name cut to <paramref name="maxLength"/> UTF-16 units without splitting a surrogate pair.</summary>
    public static string SanitizeDisplayName(string? name, int maxLength) => Cut(SanitizeName(name), maxLength);

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> UTF-16 units, never inside a surrogate pair.</summary>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var end = char.IsLowSurrogate(text[maxLength]) ? maxLength - 1 : maxLength;
        return text[..end].TrimEnd();
    }

    /// <summary>
    /// The key names are compared by (docs/targeting.md): the sanitised name, NFC, case folded (simple case
    /// folding by upper- then lower-casing, which does not depend on ICU), white space collapsed.
    /// </summary>
    public static string NameKey(string name) => Fold(SanitizeName(name));

    /// <summary>Case-folds text that is already sanitised and in NFC, and returns it in NFC.</summary>
    public static string Fold(string sanitized)
        => UnicodeNormalization.Normalize(sanitized.ToUpperInvariant().ToLowerInvariant(), NormalizationForm.FormC);

    /// <summary>The code points of a string with their position; a lone surrogate is one code point of its own value.</summary>
    public static CodePointEnumerator CodePoints(string text) => new(text);

    private static bool InRanges(int[] ranges, int codePoint)
    {
        // ranges holds [first0, last0, first1, last1, …], sorted: find the last range that starts at or before it.
        var lo = 0;
        var hi = (ranges.Length / 2) - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            if (ranges[mid * 2] <= codePoint)
            {
                if (codePoint <= ranges[(mid * 2) + 1])
                {
                    return true;
                }

                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    private static int[] LoadRanges()
    {
        var ranges = new System.Collections.Generic.List<int>();
        foreach (var line in EmbeddedData.Lines("default-ignorable.txt"))
        {
            var columns = line.Split('\t');
            ranges.Add(int.Parse(columns[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            ranges.Add(int.Parse(columns[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return [.. ranges];
    }

    /// <summary>Enumerates (start, length, code point) over a string.</summary>
    internal struct CodePointEnumerator
    {
        private readonly string _text;
        private int _next;

        public CodePointEnumerator(string text)
        {
            _text = text;
            _next = 0;
            Current = default;
        }

        public (int Start, int Length, int CodePoint) Current { get; private set; }

        public readonly CodePointEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= _text.Length)
            {
                return false;
            }

            var c = _text[_next];
            var pair = char.IsHighSurrogate(c) && _next + 1 < _text.Length && char.IsLowSurrogate(_text[_next + 1]);
            Current = (_next, pair ? 2 : 1, pair ? char.ConvertToUtf32(c, _text[_next + 1]) : c);
            _next += pair ? 2 : 1;
            return true;
        }
    }
}
