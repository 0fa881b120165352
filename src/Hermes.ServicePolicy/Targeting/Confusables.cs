using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// Look-alike characters across Latin, Cyrillic, Greek, digits and full-width forms, from the embedded copy of
/// Unicode's confusables data. Two names with the same <see cref="Skeleton"/> can be mistaken for one another.
/// </summary>
internal static class Confusables
{
    private static readonly FrozenDictionary<int, int> Prototypes = Load();

    /// <summary>
    /// Maps every code point of a name key (already normalised and case folded) to its prototype, so that look-alike
    /// names share one skeleton.
    /// </summary>
    public static string Skeleton(string key)
    {
        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i += char.IsSurrogatePair(key, i) ? 2 : 1)
        {
            var cp = char.ConvertToUtf32(key, i);
            var mapped = Map(cp);
            // Fold the prototype's case too ('I' and 'l' both stand for '1'; Cyrillic 'О' for 'O' then 'o').
            var lowered = char.ConvertToUtf32(char.ConvertFromUtf32(mapped).ToLowerInvariant(), 0);
            builder.Append(char.ConvertFromUtf32(Map(lowered)));
        }

        return builder.ToString();
    }

    private static int Map(int codePoint) => Prototypes.TryGetValue(codePoint, out var prototype) ? prototype : codePoint;

    private static FrozenDictionary<int, int> Load()
    {
        var map = new Dictionary<int, int>();
        using var stream = typeof(Confusables).Assembly.GetManifestResourceStream("Hermes.ServicePolicy.Data.confusables.tsv")
            ?? throw new InvalidOperationException("The embedded confusables table is missing.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var columns = line.Split('\t');
            map[int.Parse(columns[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                int.Parse(columns[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return map.ToFrozenDictionary();
    }
}
