using System;
using System.Collections.Generic;
using System.Globalization;
using Hermes.ServicePolicy.Targeting;
using PhoneNumbers;

namespace Hermes.ServicePolicy.PhoneNumbers;

/// <summary>
/// Reads national phone numbers with libphonenumber (Google's numbering-plan metadata, through
/// <c>libphonenumber-csharp</c>): a number of the default region is accepted only when it is possible (a length the
/// region has) and valid (in use in its numbering plan), and is canonicalised to international form. No
/// WhatsApp-specific rewrites are made (Argentina's mobile <c>9</c>, Mexico's old <c>1</c>): the number is the one
/// the numbering plan gives. Thread-safe; one instance serves a whole process.
/// </summary>
public sealed class LibPhoneNumberParser : INationalNumberParser
{
    private readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();
    private readonly HashSet<string> _regions;

    /// <summary>Creates the parser over libphonenumber's metadata.</summary>
    public LibPhoneNumberParser() => _regions = new HashSet<string>(_util.GetSupportedRegions(), StringComparer.Ordinal);

    /// <inheritdoc />
    public string Name => "Hermes.ServicePolicy.PhoneNumbers (libphonenumber-csharp)";

    /// <inheritdoc />
    public bool IsKnownRegion(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return _regions.Contains(region);
    }

    /// <inheritdoc />
    public NationalNumberResult ParseNational(string digits, string region)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(region);
        PhoneNumber number;
        try
        {
            number = _util.Parse(digits, region);
        }
        catch (NumberParseException ex)
        {
            return NationalNumberResult.Invalid(ex.ErrorType switch
            {
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => NationalNumberError.TooShort,
                ErrorType.TOO_LONG => NationalNumberError.TooLong,
                _ => NationalNumberError.NotValid,
            });
        }

        switch (_util.IsPossibleNumberWithReason(number))
        {
            case PhoneNumberUtil.ValidationResult.IS_POSSIBLE:
                break;
            case PhoneNumberUtil.ValidationResult.TOO_SHORT:
                return NationalNumberResult.Invalid(NationalNumberError.TooShort);
            case PhoneNumberUtil.ValidationResult.TOO_LONG:
                return NationalNumberResult.Invalid(NationalNumberError.TooLong);
            case PhoneNumberUtil.ValidationResult.INVALID_LENGTH:
                return NationalNumberResult.Invalid(NationalNumberError.InvalidLength);
            default:
                // IS_POSSIBLE_LOCAL_ONLY (no area code: not reachable from a phone elsewhere), INVALID_COUNTRY_CODE.
                return NationalNumberResult.Invalid(NationalNumberError.NotValid);
        }

        return _util.IsValidNumber(number) && TryInternational(number, out var international)
            ? NationalNumberResult.Valid(international)
            : NationalNumberResult.Invalid(NationalNumberError.NotValid);
    }

    /// <inheritdoc />
    public bool IsValidInternational(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        try
        {
            return _util.IsValidNumber(_util.Parse("+" + digits, "ZZ"));
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    // E.164 keeps Italy's leading zero and every other detail of the national number.
    private bool TryInternational(PhoneNumber number, out ulong international)
    {
        var e164 = _util.Format(number, PhoneNumberFormat.E164);
        return ulong.TryParse(e164.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out international);
    }
}
