using System;
using System.Globalization;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// Parses the address forms of a target (docs/targeting.md): a JID, a phone number in any human form, or a
/// <c>tel:</c>, <c>whatsapp:</c>, <c>wa.me</c> or <c>api.whatsapp.com</c> link. Input that starts like one of
/// those and is not valid is invalid with a reason; only other input may be looked up as a name.
/// </summary>
internal static class ChatAddress
{
    private const int MaxDigits = 15;

    /// <summary>Parses <paramref name="input"/> as an address.</summary>
    /// <returns>
    /// A resolved or invalid <see cref="TargetResolution"/>, or <see langword="null"/> when the input is not an
    /// address attempt at all and may be looked up as a name.
    /// </returns>
    public static TargetResolution? Parse(string input) => Parse(input, null);

    /// <summary>Parses <paramref name="input"/>, reading national numbers for <paramref name="national"/>'s region when given.</summary>
    internal static TargetResolution? Parse(string input, NationalNumbering? national)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (UnicodeText.HasLoneSurrogate(input))
        {
            return TargetResolution.Invalid(TargetError.InvalidText);
        }

        var text = UnicodeText.StripInvisibleAndTrim(input);
        if (text.Length == 0)
        {
            return TargetResolution.Invalid(TargetError.Empty);
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            return ChatId.TryParse(text.AsSpan(), out var chat, out var jidError)
                ? TargetResolution.Resolved(chat)
                : TargetResolution.Invalid(TargetError.InvalidJid, jidError);
        }

        var span = text.AsSpan();
        if (StripPrefix(ref span, "tel:") || StripPrefix(ref span, "whatsapp:"))
        {
            return ParsePhone(span, link: false, national);
        }

        var scheme = StripPrefix(ref span, "https://") || StripPrefix(ref span, "http://");
        StripPrefix(ref span, "www.");
        if (scheme || StartsWithHost(span, "wa.me") || StartsWithHost(span, "api.whatsapp.com") || StartsWithHost(span, "chat.whatsapp.com"))
        {
            return ParseLink(span);
        }

        var first = span[0];
        if (first is '+' or '\uFF0B' || char.IsDigit(first) || (first is '(' or '\uFF08' && span.Length > 1 && (char.IsDigit(span[1]) || span[1] == '+')))
        {
            return ParsePhone(span, link: false, national);
        }

        return null;
    }

    private static bool StripPrefix(ref ReadOnlySpan<char> span, string prefix)
    {
        if (span.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            span = span[prefix.Length..];
            return true;
        }

        return false;
    }

    private static bool StartsWithHost(ReadOnlySpan<char> span, string host)
        => span.StartsWith(host, StringComparison.OrdinalIgnoreCase)
            && (span.Length == host.Length || span[host.Length] is '/' or '?' or '#');

    private static TargetResolution ParseLink(ReadOnlySpan<char> rest)
    {
        var hostEnd = rest.IndexOfAny('/', '?', '#');
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        var path = hostEnd < 0 ? [] : rest[hostEnd..];
        if (host.Equals("chat.whatsapp.com", StringComparison.OrdinalIgnoreCase))
        {
            return TargetResolution.Invalid(TargetError.GroupInviteLink);
        }

        if (host.Equals("wa.me", StringComparison.OrdinalIgnoreCase))
        {
            // wa.me/<international number>[?text=…]
            if (path.IsEmpty || path[0] != '/')
            {
                return TargetResolution.Invalid(TargetError.UnsupportedLink);
            }

            var segment = path[1..];
            var end = segment.IndexOfAny('/', '?', '#');
            segment = end < 0 ? segment : segment[..end];
            if (segment.IsEmpty || !(char.IsDigit(segment[0]) || segment[0] == '+'))
            {
                return TargetResolution.Invalid(TargetError.UnsupportedLink);
            }

            return ParsePhone(segment, link: true, national: null);
        }

        if (host.Equals("api.whatsapp.com", StringComparison.OrdinalIgnoreCase) || host.Equals("web.whatsapp.com", StringComparison.OrdinalIgnoreCase))
        {
            var query = path.IndexOf('?');
            var phone = query < 0 ? [] : QueryValue(path[(query + 1)..], "phone");
            if (phone.IsEmpty)
            {
                return TargetResolution.Invalid(TargetError.UnsupportedLink);
            }

            return ParsePhone(PercentDecode(phone), link: true, national: null);
        }

        return TargetResolution.Invalid(TargetError.UnsupportedLink);
    }

    private static ReadOnlySpan<char> QueryValue(ReadOnlySpan<char> query, string name)
    {
        var hash = query.IndexOf('#');
        if (hash >= 0)
        {
            query = query[..hash];
        }

        while (!query.IsEmpty)
        {
            var amp = query.IndexOf('&');
            var pair = amp < 0 ? query : query[..amp];
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return pair[(eq + 1)..];
            }

            query = amp < 0 ? [] : query[(amp + 1)..];
        }

        return [];
    }

    private static ReadOnlySpan<char> PercentDecode(ReadOnlySpan<char> value)
    {
        if (value.IndexOfAny('%', '+') < 0)
        {
            return value;
        }

        var result = new char[value.Length];
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && int.TryParse(value.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                result[n++] = (char)b;
                i += 2;
            }
            else
            {
                // In a query a literal '+' is a space; an encoded plus arrives as %2B.
                result[n++] = value[i] == '+' && i > 0 ? ' ' : value[i];
            }
        }

        return result.AsSpan(0, n);
    }

    private static bool IsSeparator(char c)
        => char.IsWhiteSpace(c) || c is '-' or '.' or '/' or '(' or ')' or '\u2212' or '\uFF0D' or '\uFF0E' or '\uFF08' or '\uFF09'
            || (c >= '\u2010' && c <= '\u2015');

    /// <summary>
    /// Parses a phone number in human form; in a link, bare digits are read as international. With
    /// <paramref name="national"/>, a number in national form is read as a number of its region, and bare digits
    /// are national, international or ambiguous by which reading is valid (docs/targeting.md#national-numbers).
    /// </summary>
    private static TargetResolution ParsePhone(ReadOnlySpan<char> text, bool link, NationalNumbering? national)
    {
        // Room for "00", 15 digits and one more, so that "too many" is told apart from a truncation.
        Span<char> digits = stackalloc char[MaxDigits + 3];
        var count = 0;
        var plus = false;
        var separators = false;
        var seenDigit = false;
        var extension = false;
        var letters = false;
        var invalid = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsDigit(c))
            {
                if (count < digits.Length)
                {
                    digits[count] = (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c));
                }

                count++;
                seenDigit = true;
            }
            else if (c is '+' or '\uFF0B')
            {
                if (plus || seenDigit)
                {
                    invalid = true;
                }

                plus = true;
            }
            else if (IsSeparator(c))
            {
                separators = true;
            }
            else if (c is '#' or ',' or ';')
            {
                extension = true;
            }
            else if (char.IsLetter(c))
            {
                if (seenDigit && IsExtensionMarker(text[i..]))
                {
                    extension = true;
                }

                letters = true;
            }
            else
            {
                invalid = true;
            }
        }

        if (extension)
        {
            return TargetResolution.Invalid(TargetError.Extension);
        }

        if (letters)
        {
            return TargetResolution.Invalid(TargetError.Letters);
        }

        if (invalid)
        {
            return TargetResolution.Invalid(TargetError.InvalidCharacter);
        }

        var number = digits[..Math.Min(count, digits.Length)];
        if (!plus)
        {
            if (number.StartsWith("00"))
            {
                number = number[2..];
                count -= 2;
            }
            else if (national is not null && !link)
            {
                if (count > digits.Length)
                {
                    return TargetResolution.Invalid(TargetError.TooManyDigits);
                }

                var nationalForm = number.StartsWith("0") || separators;
                var digitText = number.ToString();
                var asNational = national.Parser.ParseNational(digitText, national.Region);
                if (nationalForm)
                {
                    return asNational.IsValid ? TargetResolution.Resolved(ChatId.FromPhoneNumber(asNational.InternationalNumber)) : TargetResolution.Invalid(RegionError(asNational.Error));
                }

                if (ParseInternational(number, count) is { IsResolved: true } asInternational && national.Parser.IsValidInternational(digitText))
                {
                    return asNational.IsValid && asNational.InternationalNumber != asInternational.Chat.PhoneNumber
                        ? TargetResolution.Ambiguous([ChatId.FromPhoneNumber(asNational.InternationalNumber), asInternational.Chat])
                        : asInternational;
                }

                if (asNational.IsValid)
                {
                    return TargetResolution.Resolved(ChatId.FromPhoneNumber(asNational.InternationalNumber));
                }

                // Valid neither way by the numbering plans: the core's international reading, as without a region.
            }
            else if (number.StartsWith("0") || (separators && !link))
            {
                return TargetResolution.Invalid(TargetError.NationalNumber);
            }
        }

        return ParseInternational(number, count);
    }

    private static TargetError RegionError(NationalNumberError error) => error switch
    {
        NationalNumberError.TooShort => TargetError.TooShortForRegion,
        NationalNumberError.TooLong => TargetError.TooLongForRegion,
        NationalNumberError.InvalidLength => TargetError.ImpossibleForRegion,
        _ => TargetError.NotValidForRegion,
    };

    /// <summary>The core's rules for an international number: 7 to 15 digits that start with an assigned country calling code.</summary>
    private static TargetResolution ParseInternational(ReadOnlySpan<char> number, int count)
    {

        if (count > MaxDigits)
        {
            return TargetResolution.Invalid(TargetError.TooManyDigits);
        }

        if (count > 0 && number[0] == '0')
        {
            return TargetResolution.Invalid(TargetError.InvalidCountryCode);
        }

        if (count < 7)
        {
            return TargetResolution.Invalid(TargetError.TooFewDigits);
        }

        if (CountryCallingCodes.Match(number) == 0)
        {
            return TargetResolution.Invalid(TargetError.InvalidCountryCode);
        }

        return TargetResolution.Resolved(ChatId.FromPhoneNumber(ulong.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture)));
    }

    private static bool IsExtensionMarker(ReadOnlySpan<char> rest)
        => rest.StartsWith("ext", StringComparison.OrdinalIgnoreCase)
            || (rest.Length > 1 && rest[0] is 'x' or 'X' && (char.IsDigit(rest[1]) || IsSeparator(rest[1])));
}
