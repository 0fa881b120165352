using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.Commands;

/// <summary>
/// The arguments of an operator command (docs/operator-commands.md): the sub-command is the first word
/// (case-insensitive); a keyword (a mode, <c>groups</c>) counts only as the exact last word; a target is the rest of the
/// line, optionally in double quotes.
/// </summary>
internal sealed class CommandLine
{
    private readonly List<string> _words;

    private CommandLine(string subCommand, string rest, List<string> words)
    {
        SubCommand = subCommand;
        Rest = rest;
        _words = words;
    }

    /// <summary>The sub-command in lower case; empty for the bare command word.</summary>
    public string SubCommand { get; }

    /// <summary>Everything after the sub-command, trimmed.</summary>
    public string Rest { get; }

    public int WordCount => _words.Count;

    public static CommandLine Parse(string arguments)
    {
        var text = arguments.Trim();
        var space = IndexOfWhiteSpace(text);
        var sub = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var rest = space < 0 ? string.Empty : text[(space + 1)..].Trim();
        var words = new List<string>(rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return new CommandLine(sub, rest, words);
    }

    /// <summary>The last word when it satisfies <paramref name="isKeyword"/>, and the rest of the line before it.</summary>
    public (string? Keyword, string Before) LastKeyword(Func<string, bool> isKeyword)
    {
        if (_words.Count == 0 || !isKeyword(_words[^1]))
        {
            return (null, Rest);
        }

        var before = Rest[..Rest.LastIndexOf(_words[^1], StringComparison.Ordinal)].Trim();
        return (_words[^1], before);
    }

    /// <summary>A target as written: the text, without surrounding double quotes.</summary>
    public static string Target(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Trim() : trimmed;
    }

    private static int IndexOfWhiteSpace(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
