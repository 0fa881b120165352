using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Notices;

/// <summary>
/// Plain text for the owner's WhatsApp chat: lines of the library's own words, untrusted text (draft text, names,
/// error text) quoted line by line with <c>&gt; </c> and stripped of invisible characters, so no line can start with a
/// command; at most <see cref="MaxLength"/> characters a message.
/// </summary>
internal sealed class ReplyText
{
    /// <summary>The longest message.</summary>
    public const int MaxLength = 4000;

    private readonly List<string> _lines = [];

    public int Count => _lines.Count;

    public void Line(string line) => _lines.Add(line);

    /// <summary>Quotes untrusted text: every line prefixed with <c>&gt; </c>, controls and invisible characters removed.</summary>
    public void Quote(string text)
    {
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            _lines.Add("> " + UnicodeText.SanitizeName(raw));
        }
    }

    /// <summary>The lines as one message, cut with "… and N more" when too long; <paramref name="remainingItems"/> counts what the cut left out from a line index.</summary>
    public string Single(Func<int, int>? remainingItems = null)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            if (builder.Length + line.Length + 1 > MaxLength - 40)
            {
                var more = remainingItems?.Invoke(i) ?? _lines.Count - i;
                builder.Append(CultureInfo.InvariantCulture, $"… and {more} more");
                return builder.ToString();
            }

            builder.Append(line).Append('\n');
        }

        return builder.ToString().TrimEnd('\n');
    }

    /// <summary>The lines as as many messages as needed (a long draft is split, never cut).</summary>
    public IReadOnlyList<string> Messages()
    {
        var messages = new List<string>();
        var builder = new StringBuilder();
        foreach (var line in _lines)
        {
            foreach (var piece in Chunks(line))
            {
                if (builder.Length > 0 && builder.Length + piece.Length + 1 > MaxLength)
                {
                    messages.Add(builder.ToString().TrimEnd('\n'));
                    builder.Clear();
                }

                builder.Append(piece).Append('\n');
            }
        }

        if (builder.Length > 0)
        {
            messages.Add(builder.ToString().TrimEnd('\n'));
        }

        return messages;
    }

    // A line longer than a message is split into quoted pieces.
    private static IEnumerable<string> Chunks(string line)
    {
        if (line.Length <= MaxLength)
        {
            yield return line;
            yield break;
        }

        var body = line.StartsWith("> ", StringComparison.Ordinal) ? line[2..] : line;
        for (var start = 0; start < body.Length; start += MaxLength - 2)
        {
            var length = Math.Min(MaxLength - 2, body.Length - start);
            if (length > 0 && start + length < body.Length && char.IsHighSurrogate(body[start + length - 1]))
            {
                length--;
            }

            yield return string.Concat("> ", body.AsSpan(start, length));
        }
    }

    /// <summary>A chat for the owner: its sanitised name and its number in international form (a LID as its JID).</summary>
    public static string Describe(ChatId chat, string? name)
    {
        var number = chat.Kind == ChatKind.Phone ? "+" + chat.PhoneNumber.ToString(CultureInfo.InvariantCulture) : chat.ToString();
        var clean = name is null ? string.Empty : UnicodeText.SanitizeName(name);
        return clean.Length == 0 ? number : $"\"{clean}\" ({number})";
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
