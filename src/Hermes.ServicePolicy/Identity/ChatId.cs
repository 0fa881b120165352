using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hermes.ServicePolicy.Identity;

/// <summary>
/// The canonical identity of a WhatsApp chat: a 24-byte value with O(1) equality and hashing. Parsing from a span
/// allocates nothing. <c>@c.us</c> and <c>@s.whatsapp.net</c> are the same identity, device and agent suffixes
/// (<c>:12</c>, <c>.0:12</c>, <c>_1</c>) are dropped, and servers compare case-insensitively. A LID keeps its own
/// kind: its digits are never read as a phone number.
/// </summary>
public readonly partial struct ChatId : IEquatable<ChatId>, IComparable<ChatId>, ISpanFormattable
{
    /// <summary>The longest canonical form: 20 digits, <c>@newsletter</c>, or an old-style group id.</summary>
    public const int MaxFormattedLength = 48;

    private const string PhoneServer = "s.whatsapp.net";
    private const ulong OldGroupFlag = 1UL << 63;
    private const ulong StatusFlag = 1UL << 62;

    // Phone, Lid: _lo is the number. Group (new style), Broadcast list, Newsletter: (_hi, _lo) is a 128-bit number.
    // Group (old style): _lo is the creator's phone digits, _hi is OldGroupFlag | epoch. Status: _hi is StatusFlag.
    private readonly ulong _lo;
    private readonly ulong _hi;
    private readonly ChatKind _kind;

    private ChatId(ChatKind kind, ulong lo, ulong hi)
    {
        _kind = kind;
        _lo = lo;
        _hi = hi;
    }

    /// <summary>Gets the kind of chat; <see cref="ChatKind.None"/> for <c>default</c>.</summary>
    public ChatKind Kind => _kind;

    /// <summary>Gets whether this is a one-to-one chat (a phone or LID user), the only kind that can be a service chat.</summary>
    public bool IsOneToOne => _kind is ChatKind.Phone or ChatKind.Lid;

    /// <summary>Gets whether this is <c>default(ChatId)</c>, which names no chat.</summary>
    public bool IsEmpty => _kind == ChatKind.None;

    /// <summary>Gets the phone number (digits with country code, no <c>+</c>) of a <see cref="ChatKind.Phone"/> chat; 0 for other kinds.</summary>
    public ulong PhoneNumber => _kind == ChatKind.Phone ? _lo : 0;

    /// <summary>Gets the status broadcast, <c>status@broadcast</c>.</summary>
    public static ChatId Status => new(ChatKind.Broadcast, 0, StatusFlag);

    /// <summary>Creates the phone chat of an international number given as digits (country code first, 7 to 15 digits).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number does not have 7 to 15 digits.</exception>
    public static ChatId FromPhoneNumber(ulong number)
    {
        if (number is < 1_000_000UL or > 999_999_999_999_999UL)
        {
            throw new ArgumentOutOfRangeException(nameof(number), number, "A phone number has 7 to 15 digits.");
        }

        return new ChatId(ChatKind.Phone, number, 0);
    }

    /// <summary>Creates the LID chat of a LID number (1 to 19 digits).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is 0 or has more than 19 digits.</exception>
    public static ChatId FromLid(ulong lid)
    {
        if (lid is 0 or > 9_999_999_999_999_999_999UL)
        {
            throw new ArgumentOutOfRangeException(nameof(lid), lid, "A LID has 1 to 19 digits.");
        }

        return new ChatId(ChatKind.Lid, lid, 0);
    }

    /// <summary>Parses a JID as a transport delivers it. Never throws on malformed input.</summary>
    /// <param name="jid">The JID, for example <c>34600123456:12@s.whatsapp.net</c>.</param>
    /// <param name="chat">The canonical identity when the result is <see langword="true"/>.</param>
    /// <param name="error">Why the input is not a JID when the result is <see langword="false"/>.</param>
    public static bool TryParse(ReadOnlySpan<char> jid, out ChatId chat, out ChatIdError error)
    {
        chat = default;
        error = Parse(jid, out chat);
        return error == ChatIdError.None;
    }

    /// <summary>Parses a JID as a transport delivers it. Never throws on malformed input.</summary>
    public static bool TryParse(ReadOnlySpan<char> jid, out ChatId chat) => TryParse(jid, out chat, out _);

    /// <summary>Parses a JID, or <see langword="null"/> input as not valid. Never throws on malformed input.</summary>
    public static bool TryParse([NotNullWhen(true)] string? jid, out ChatId chat)
    {
        if (jid is null)
        {
            chat = default;
            return false;
        }

        return TryParse(jid.AsSpan(), out chat, out _);
    }

    /// <summary>Parses a JID and throws when it is not valid.</summary>
    /// <exception cref="FormatException">The input is not a valid JID; the message says why.</exception>
    public static ChatId Parse(string jid)
    {
        ArgumentNullException.ThrowIfNull(jid);
        var error = Parse(jid.AsSpan(), out var chat);
        return error == ChatIdError.None
            ? chat
            : throw new FormatException($"'{jid}' is not a valid WhatsApp JID: {error.Describe()}.");
    }

    /// <inheritdoc />
    public bool Equals(ChatId other) => _lo == other._lo && _hi == other._hi && _kind == other._kind;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ChatId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // A cheap 64-bit mix; phone and LID ids differ by kind even when their digits are equal.
        var h = (_lo * 0x9E3779B97F4A7C15UL) ^ (_hi + ((ulong)_kind << 56));
        h ^= h >> 29;
        return (int)h ^ (int)(h >> 32);
    }

    /// <summary>Compares two identities by their canonical text (ordinal), the order listings use to break ties.</summary>
    public int CompareTo(ChatId other)
    {
        Span<char> a = stackalloc char[MaxFormattedLength];
        Span<char> b = stackalloc char[MaxFormattedLength];
        TryFormat(a, out var na);
        other.TryFormat(b, out var nb);
        return a[..na].SequenceCompareTo(b[..nb]);
    }

    /// <summary>Writes the canonical JID into <paramref name="destination"/>; <c>default(ChatId)</c> writes nothing.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (_kind == ChatKind.None)
        {
            return true;
        }

        int n;
        if (_kind == ChatKind.Broadcast && _hi == StatusFlag)
        {
            if (!"status".AsSpan().TryCopyTo(destination))
            {
                return false;
            }

            n = 6;
        }
        else if (_kind == ChatKind.Group && (_hi & OldGroupFlag) != 0)
        {
            if (!_lo.TryFormat(destination, out n, default, CultureInfo.InvariantCulture) || n >= destination.Length)
            {
                return false;
            }

            destination[n++] = '-';
            if (!(_hi & ~OldGroupFlag).TryFormat(destination[n..], out var m, default, CultureInfo.InvariantCulture))
            {
                return false;
            }

            n += m;
        }
        else if (!(((UInt128)_hi << 64) | _lo).TryFormat(destination, out n, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        var server = _kind switch
        {
            ChatKind.Phone => PhoneServer,
            ChatKind.Lid => "lid",
            ChatKind.Group => "g.us",
            ChatKind.Broadcast => "broadcast",
            _ => "newsletter",
        };
        if (destination.Length < n + 1 + server.Length)
        {
            return false;
        }

        destination[n++] = '@';
        server.AsSpan().CopyTo(destination[n..]);
        charsWritten = n + server.Length;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Gets the canonical JID, for example <c>34600123456@s.whatsapp.net</c>; empty for <c>default(ChatId)</c>.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        TryFormat(buffer, out var n);
        return new string(buffer[..n]);
    }

    /// <summary>
    /// Gets the JID with the middle digits of a phone or LID chat masked, for logs and traces:
    /// <c>346*****111@s.whatsapp.net</c> (three digits kept at each end; a short number is masked whole). Groups,
    /// broadcasts and newsletters are not personal numbers and stay whole; <c>default(ChatId)</c> is empty.
    /// </summary>
    public string ToMaskedString()
    {
        var text = ToString();
        if (!IsOneToOne)
        {
            return text;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at <= 6
            ? new string('*', at) + text[at..]
            : string.Concat(text.AsSpan(0, 3), new string('*', at - 6), text.AsSpan(at - 3));
    }

    /// <summary>Equality of identities.</summary>
    public static bool operator ==(ChatId left, ChatId right) => left.Equals(right);

    /// <summary>Inequality of identities.</summary>
    public static bool operator !=(ChatId left, ChatId right) => !left.Equals(right);

    /// <summary>Ordinal order of canonical text.</summary>
    public static bool operator <(ChatId left, ChatId right) => left.CompareTo(right) < 0;

    /// <summary>Ordinal order of canonical text.</summary>
    public static bool operator >(ChatId left, ChatId right) => left.CompareTo(right) > 0;

    /// <summary>Ordinal order of canonical text.</summary>
    public static bool operator <=(ChatId left, ChatId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordinal order of canonical text.</summary>
    public static bool operator >=(ChatId left, ChatId right) => left.CompareTo(right) >= 0;
}
