using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Hermes.ServicePolicy.Text;

/// <summary>
/// Unicode normalisation (UAX #15: NFC, NFD, NFKC, NFKD) from the embedded Unicode Character Database tables.
/// </summary>
/// <remarks>
/// <see cref="string.Normalize(NormalizationForm)"/> depends on ICU and silently returns its input unchanged under
/// <c>InvariantGlobalization</c>, so two spellings of one name (precomposed and decomposed <c>á</c>) would become two
/// names. The policy's text rules must give the same answer in both modes, so they normalise with this class only.
/// Lone surrogates pass through unchanged (callers that care reject them first).
/// </remarks>
internal static class UnicodeNormalization
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Tables Data = Tables.Load();

    /// <summary>Normalises <paramref name="text"/> to <paramref name="form"/>.</summary>
    public static string Normalize(string text, NormalizationForm form)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Below U+00A0 nothing decomposes, nothing combines and nothing composes: most text is returned as is.
        if (text.AsSpan().IndexOfAnyExceptInRange('\0', '\u009F') < 0)
        {
            return text;
        }

        var compatibility = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var codePoints = new List<int>(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var cp = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? char.ConvertToUtf32(c, text[++i])
                : c;
            Decompose(cp, compatibility, codePoints);
        }

        SortCanonically(codePoints);
        if (form is NormalizationForm.FormC or NormalizationForm.FormKC)
        {
            Compose(codePoints);
        }

        var builder = new StringBuilder(codePoints.Count);
        foreach (var cp in codePoints)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                builder.Append((char)cp); // a lone surrogate, kept as it was
            }
            else
            {
                builder.Append(char.ConvertFromUtf32(cp));
            }
        }

        return builder.ToString();
    }

    /// <summary>The canonical combining class of a code point (0 for starters).</summary>
    public static int CombiningClass(int codePoint) => Data.CombiningClass.TryGetValue(codePoint, out var ccc) ? ccc : 0;

    /// <summary>The first code point of a code point's full compatibility decomposition (itself when it has none). Allocation-free.</summary>
    public static int FirstOfCompatibilityDecomposition(int codePoint)
    {
        if (codePoint is >= SBase and < SBase + SCount)
        {
            return LBase + ((codePoint - SBase) / NCount);
        }

        return Data.CompatibilityDecomposition.TryGetValue(codePoint, out var full) ? full[0] : codePoint;
    }

    private static void Decompose(int cp, bool compatibility, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var index = cp - SBase;
            output.Add(LBase + (index / NCount));
            output.Add(VBase + (index % NCount / TCount));
            if (index % TCount != 0)
            {
                output.Add(TBase + (index % TCount));
            }

            return;
        }

        var map = compatibility ? Data.CompatibilityDecomposition : Data.CanonicalDecomposition;
        if (map.TryGetValue(cp, out var full))
        {
            output.AddRange(full);
        }
        else
        {
            output.Add(cp);
        }
    }

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static void SortCanonically(List<int> codePoints)
    {
        for (var i = 1; i < codePoints.Count; i++)
        {
            var ccc = CombiningClass(codePoints[i]);
            if (ccc == 0)
            {
                continue;
            }

            for (var j = i; j > 0; j--)
            {
                var previous = CombiningClass(codePoints[j - 1]);
                if (previous <= ccc)
                {
                    break;
                }

                (codePoints[j - 1], codePoints[j]) = (codePoints[j], codePoints[j - 1]);
            }
        }
    }

    // The canonical composition algorithm of UAX #15: a character combines with the last starter unless a
    // character of the same or a higher combining class stands between them.
    private static void Compose(List<int> codePoints)
    {
        if (codePoints.Count < 2)
        {
            return;
        }

        var starterIndex = 0;
        var starter = codePoints[0];
        var lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        var write = 1;
        for (var read = 1; read < codePoints.Count; read++)
        {
            var cp = codePoints[read];
            var ccc = CombiningClass(cp);
            if ((lastClass < ccc || lastClass == 0) && TryCompose(starter, cp, out var composite))
            {
                codePoints[starterIndex] = composite;
                starter = composite;
                continue;
            }

            if (ccc == 0)
            {
                starterIndex = write;
                starter = cp;
            }

            lastClass = ccc;
            codePoints[write++] = cp;
        }

        codePoints.RemoveRange(write, codePoints.Count - write);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
            return true;
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }

        return Data.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        private Tables(FrozenDictionary<int, byte> combiningClass, FrozenDictionary<int, int[]> canonical, FrozenDictionary<int, int[]> compatibility, FrozenDictionary<long, int> compositions)
        {
            CombiningClass = combiningClass;
            CanonicalDecomposition = canonical;
            CompatibilityDecomposition = compatibility;
            Compositions = compositions;
        }

        public FrozenDictionary<int, byte> CombiningClass { get; }

        public FrozenDictionary<int, int[]> CanonicalDecomposition { get; }

        public FrozenDictionary<int, int[]> CompatibilityDecomposition { get; }

        public FrozenDictionary<long, int> Compositions { get; }

        public static Tables Load()
        {
            var ccc = new Dictionary<int, byte>();
            var oneLevel = new Dictionary<int, (bool Compatibility, int[] Mapping)>();
            var compositions = new Dictionary<long, int>();
            foreach (var line in EmbeddedData.Lines("unicode-normalization.txt"))
            {
                var columns = line.Split('\t');
                var cp = int.Parse(columns[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var combining = byte.Parse(columns[1], CultureInfo.InvariantCulture);
                if (combining != 0)
                {
                    ccc[cp] = combining;
                }

                if (columns[2] == "-")
                {
                    continue;
                }

                var mapping = Array.ConvertAll(columns[3].Split(' '), static h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                oneLevel[cp] = (columns[2] == "k", mapping);
                if (columns[2] == "c" && mapping.Length == 2)
                {
                    compositions[((long)mapping[0] << 21) | (uint)mapping[1]] = cp;
                }
            }

            var canonical = new Dictionary<int, int[]>();
            var compatibility = new Dictionary<int, int[]>();
            foreach (var cp in oneLevel.Keys)
            {
                if (!oneLevel[cp].Compatibility)
                {
                    canonical[cp] = [.. Expand(cp, oneLevel, compatibility: false)];
                }

                compatibility[cp] = [.. Expand(cp, oneLevel, compatibility: true)];
            }

            return new Tables(ccc.ToFrozenDictionary(), canonical.ToFrozenDictionary(), compatibility.ToFrozenDictionary(), compositions.ToFrozenDictionary());
        }

        private static List<int> Expand(int cp, Dictionary<int, (bool Compatibility, int[] Mapping)> oneLevel, bool compatibility)
        {
            var result = new List<int>();
            if (oneLevel.TryGetValue(cp, out var entry) && (compatibility || !entry.Compatibility))
            {
                foreach (var part in entry.Mapping)
                {
                    result.AddRange(Expand(part, oneLevel, compatibility));
                }
            }
            else if (cp is >= SBase and < SBase + SCount)
            {
                var decomposed = new List<int>();
                Decompose(cp, compatibility: false, decomposed);
                result.AddRange(decomposed);
            }
            else
            {
                result.Add(cp);
            }

            return result;
        }
    }
}
