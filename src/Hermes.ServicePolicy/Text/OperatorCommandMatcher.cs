using System;
using System.Globalization;
using System.Text;

namespace Hermes.ServicePolicy.Text;

/// <summary>
/// Recognises the operator command word (<c>operator_command</c>, <c>/service</c> by default) at the start of a text
/// the way command prefixes are recognised: invisible characters skipped (also inside the word), compatibility forms
/// folded (NFKC: a full-width <c>／ｓｅｒｖｉｃｅ</c> is the word), case ignored. A command is the word followed by white
/// space or the end of the text (<c>/servicex</c> is not one); a service chat's text that merely starts with the word
/// is still flagged as plain text.
/// </summary>
internal sealed class OperatorCommandMatcher
{
    private readonly string _word; // NFKC, upper case

    public OperatorCommandMatcher(string command) => _word = Fold(command);

    /// <summary>The word's first character (a visible symbol): a text that starts with another visible ASCII character does not start with the word.</summary>
    public char First => _word[0];

    /// <summary>Whether <paramref name="command"/> is a valid <c>operator_command</c>: 2–32 characters, no white space, a visible symbol first.</summary>
    public static bool IsValidCommand(string? command)
    {
        if (command is null || command.Length is < 2 or > 32 || UnicodeText.HasLoneSurrogate(command))
        {
            return false;
        }

        foreach (var (_, _, codePoint) in UnicodeText.CodePoints(command))
        {
            if (Rune.IsWhiteSpace(new Rune(codePoint)) || UnicodeText.IsInvisible(codePoint))
            {
                return false;
            }
        }

        var first = Rune.GetRuneAt(command, 0);
        return !Rune.IsLetterOrDigit(first) && CharUnicodeInfo.GetUnicodeCategory(first.Value) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
    }

    /// <summary>When <paramref name="text"/> is a command: the rest of the text after the word (trimmed); otherwise null.</summary>
    public string? Arguments(string text)
    {
        var head = FoldedFirstWord(text, out var rest);
        return head is not null && string.Equals(head, _word, StringComparison.Ordinal) ? rest.ToString().Trim() : null;
    }

    /// <summary>Whether the text starts with the word (followed by anything): a service chat's text is then plain text.</summary>
    /// <remarks>On the inbound hot path: a text that starts with a visible ASCII character other than the word's first is
    /// answered by one comparison, inlined. Otherwise the same fold as <see cref="Arguments"/>, over the whole first
    /// word, however long: what is a command in the owner's chat is always flagged in a service chat.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool StartsWith(ReadOnlySpan<char> text)
        => !text.IsEmpty && (text[0] is <= ' ' or >= '\u007F' || text[0] == _word[0]) && StartsWithSlow(text);

    private bool StartsWithSlow(ReadOnlySpan<char> text)
    {
        var trimmed = UnicodeText.TrimStartInvisible(text);
        if (trimmed.IsEmpty || (trimmed[0] < 128 && trimmed[0] != _word[0]))
        {
            return false; // the usual case: an ordinary first character, one comparison
        }

        return FoldedFirstWord(text, out _) is { } head && head.StartsWith(_word, StringComparison.Ordinal);
    }

    // The first run of non-white-space characters after leading invisible characters, folded (invisible characters
    // inside it dropped, NFKC, upper case), and what follows it. One fold for both sides: the owner's and the service chat's.
    private static string? FoldedFirstWord(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
    {
        var trimmed = UnicodeText.TrimStartInvisible(text);
        var end = 0;
        while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end]))
        {
            end++;
        }

        rest = trimmed[end..];
        return end == 0 ? null : Fold(trimmed[..end].ToString());
    }

    private static string Fold(string text) => UnicodeText.FoldTyped(text);
}
