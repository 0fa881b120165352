using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// Look-alike text by Unicode's whole confusables mapping (UTS #39, every script), from the embedded copy of
/// <c>confusables-uts39.tsv</c>. Two strings with the same skeleton can be mistaken for one another.
/// </summary>
internal static class Confusables
{
    private static readonly FrozenDictionary<int, string> Prototypes = Load();

    /// <summary>
    /// The UTS #39 skeleton (decomposition, every code point replaced by its prototype, NFD again), starting from the
    /// compatibility decomposition (NFKD) rather than NFD, so that full-width and mathematical letters, which the
    /// confusables data leaves partly unmapped, are look-alikes of the letters they stand for.
    /// </summary>
    public static string Skeleton(string text)
    {
        var decomposed = UnicodeNormalization.Normalize(text, NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var (start, length, codePoint) in UnicodeText.CodePoints(decomposed))
        {
            if (Prototypes.TryGetValue(codePoint, out var prototype))
            {
                builder.Append(prototype);
            }
            else
            {
                builder.Append(decomposed, start, length);
            }
        }

        return UnicodeNormalization.Normalize(builder.ToString(), NormalizationForm.FormD);
    }

    /// <summary>
    /// A case-insensitive skeleton: the skeleton, case folded, and its skeleton again, so that 'v0dafone' and
    /// 'Vodafone' (digit zero, whose prototype is capital 'O') meet. Equal skeletons give equal folded skeletons.
    /// </summary>
    public static string FoldedSkeleton(string text) => Skeleton(UnicodeText.Fold(Skeleton(text)));

    private static FrozenDictionary<int, string> Load()
    {
        var map = new Dictionary<int, string>();
        foreach (var line in EmbeddedData.Lines("confusables-uts39.tsv"))
        {
            var columns = line.Split('\t');
            var prototype = new StringBuilder();
            foreach (var hex in columns[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                prototype.Append(char.ConvertFromUtf32(int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            map[int.Parse(columns[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = prototype.ToString();
        }

        return map.ToFrozenDictionary();
    }
}
