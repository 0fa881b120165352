using System;
using System.Globalization;

namespace Hermes.ServicePolicy.Identity;

/// <summary>Parsing of JIDs into <see cref="ChatId"/>: allocation-free, on spans.</summary>
public readonly partial struct ChatId
{
    private static ChatIdError Parse(ReadOnlySpan<char> jid, out ChatId chat)
    {
        chat = default;
        if (jid.IsEmpty)
        {
            return ChatIdError.Empty;
        }

        var at = jid.IndexOf('@');
        if (at < 0)
        {
            return ChatIdError.MissingServer;
        }

        if (jid.LastIndexOf('@') != at)
        {
            return ChatIdError.MultipleAtSigns;
        }

        var server = jid[(at + 1)..];
        var user = jid[..at];
        ChatKind kind;
        if (server.Equals(PhoneServer, StringComparison.OrdinalIgnoreCase) || server.Equals("c.us", StringComparison.OrdinalIgnoreCase))
        {
            kind = ChatKind.Phone;
        }
        else if (server.Equals("lid", StringComparison.OrdinalIgnoreCase))
        {
            kind = ChatKind.Lid;
        }
        else if (server.Equals("g.us", StringComparison.OrdinalIgnoreCase))
        {
            kind = ChatKind.Group;
        }
        else if (server.Equals("broadcast", StringComparison.OrdinalIgnoreCase))
        {
            kind = ChatKind.Broadcast;
        }
        else if (server.Equals("newsletter", StringComparison.OrdinalIgnoreCase))
        {
            kind = ChatKind.Newsletter;
        }
        else
        {
            return ChatIdError.UnknownServer;
        }

        if (user.IsEmpty)
        {
            return ChatIdError.MissingUser;
        }

        switch (kind)
        {
            case ChatKind.Phone:
            case ChatKind.Lid:
            {
                var error = StripDeviceSuffix(ref user);
                if (error != ChatIdError.None)
                {
                    return error;
                }

                var max = kind == ChatKind.Phone ? 15 : 19;
                error = ParseNumber(user, kind == ChatKind.Phone ? 7 : 1, max, out var lo, out _);
                if (error == ChatIdError.None)
                {
                    chat = new ChatId(kind, lo, 0);
                }

                return error;
            }

            case ChatKind.Group:
            {
                var dash = user.IndexOf('-');
                if (dash >= 0)
                {
                    // Old-style group: the creator's phone digits, a dash, the creation time in epoch seconds.
                    var error = ParseNumber(user[..dash], 7, 15, out var phone, out _);
                    if (error != ChatIdError.None)
                    {
                        return error;
                    }

                    error = ParseNumber(user[(dash + 1)..], 1, 12, out var epoch, out _);
                    if (error != ChatIdError.None)
                    {
                        return error;
                    }

                    chat = new ChatId(kind, phone, OldGroupFlag | epoch);
                    return ChatIdError.None;
                }

                return ParseWide(user, kind, out chat);
            }

            case ChatKind.Broadcast when user.Equals("status", StringComparison.OrdinalIgnoreCase):
                chat = Status;
                return ChatIdError.None;

            default:
                return ParseWide(user, kind, out chat);
        }
    }

    private static ChatIdError ParseWide(ReadOnlySpan<char> user, ChatKind kind, out ChatId chat)
    {
        chat = default;
        var error = ParseNumber(user, 1, 20, out var lo, out var hi);
        if (error == ChatIdError.None)
        {
            chat = new ChatId(kind, lo, hi);
        }

        return error;
    }

    // Drops ":device", ".agent:device" and "_agent" suffixes; each is digits after its separator, ':' comes last.
    private static ChatIdError StripDeviceSuffix(ref ReadOnlySpan<char> user)
    {
        var first = user.IndexOfAny(':', '.', '_');
        if (first < 0)
        {
            return ChatIdError.None;
        }

        var rest = user[first..];
        var segments = 0;
        while (!rest.IsEmpty)
        {
            var separator = rest[0];
            var next = rest[1..].IndexOfAny(':', '.', '_');
            var digits = next < 0 ? rest[1..] : rest[1..(next + 1)];
            if (digits.IsEmpty || digits.Length > 10 || !IsAsciiDigits(digits) || ++segments > 3
                || (next >= 0 && (separator == ':' || rest[next + 1] != ':')))
            {
                return ChatIdError.InvalidSuffix;
            }

            rest = next < 0 ? [] : rest[(next + 1)..];
        }

        user = user[..first];
        return ChatIdError.None;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ChatIdError ParseNumber(ReadOnlySpan<char> digits, int minDigits, int maxDigits, out ulong lo, out ulong hi)
    {
        lo = 0;
        hi = 0;
        if (digits.IsEmpty)
        {
            return ChatIdError.MissingUser;
        }

        if (!IsAsciiDigits(digits))
        {
            return ChatIdError.InvalidUser;
        }

        if (digits[0] == '0')
        {
            return ChatIdError.LeadingZero;
        }

        if (digits.Length < minDigits)
        {
            return ChatIdError.TooFewDigits;
        }

        if (digits.Length > maxDigits)
        {
            return ChatIdError.TooManyDigits;
        }

        UInt128 value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (uint)(c - '0');
        }

        lo = (ulong)value;
        hi = (ulong)(value >> 64);
        return ChatIdError.None;
    }
}
