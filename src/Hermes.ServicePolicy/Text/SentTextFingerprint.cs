using System.Text;

namespace Hermes.ServicePolicy.Text;

/// <summary>
/// A 64-bit fingerprint of a sent text for the duplicate guard (<c>duplicate_send_minutes</c>): the text in NFC (the
/// policy's own normalisation, so ICU and <c>InvariantGlobalization</c> agree), trimmed, with every run of whitespace
/// counted as one space, case kept. Only the fingerprint is kept, never the text. FNV-1a over the UTF-16 code units:
/// stable across processes and releases, so replicas and restarts compare the same numbers.
/// </summary>
/// <remarks>
/// Allocation-free for text that is NFC as it stands whatever surrounds it (<see cref="IsStableInNfc"/>: Latin script with its
/// accents precomposed, common punctuation, the euro sign, emoji); other text is normalised into a new string first. Two
/// different texts share a fingerprint with odds of about 2^-64; the guard would then refuse a send (never let one pass).
/// </remarks>
internal static class SentTextFingerprint
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>Gets the fingerprint of <paramref name="text"/>; never 0 (0 means "no text known").</summary>
    public static ulong Of(string text)
    {
        var normalized = IsStableInNfc(text) ? text : UnicodeNormalization.Normalize(text, NormalizationForm.FormC);
        var hash = OffsetBasis;
        var started = false;
        var space = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c))
            {
                space = started; // leading whitespace is dropped; a run inside counts once; trailing is dropped
                continue;
            }

            if (space)
            {
                hash = Mix(hash, ' ');
                space = false;
            }

            hash = Mix(hash, c);
            started = true;
        }

        return hash == 0 ? 1 : hash;
    }

    /// <summary>
    /// Whether every character is one that NFC leaves as it is and that composes with no neighbour: below U+0300 (no
    /// combining marks there), U+2010–U+2027, U+200D, U+20AC, U+FE0F and the emoji of U+1F300–U+1FAFF (checked against
    /// the Unicode data by the tests). Anything else goes through the full normalisation.
    /// </summary>
    internal static bool IsStableInNfc(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\u0300' || c is (>= '\u2010' and <= '\u2027') or '\u200D' or '\u20AC' or '\uFE0F')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                && char.ConvertToUtf32(c, text[i + 1]) is >= 0x1F300 and <= 0x1FAFF)
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    private static ulong Mix(ulong hash, char c)
    {
        hash = (hash ^ (byte)c) * Prime;
        return (hash ^ (byte)(c >> 8)) * Prime;
    }
}
