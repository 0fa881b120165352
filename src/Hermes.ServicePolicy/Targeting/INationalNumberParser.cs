namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// Reads phone numbers written the way a region writes them at home (<c>600 12 34 56</c> in Spain,
/// <c>0612 345 678</c> in the Netherlands), for <c>default_region</c> (docs/targeting.md#national-numbers). The core
/// has none: national numbers are invalid unless a host registers one, such as the
/// <c>Hermes.ServicePolicy.PhoneNumbers</c> package (libphonenumber). International input never reaches it for
/// parsing: <c>+</c> and <c>00</c> numbers keep the core's rules, so both readings give one chat for one number.
/// </summary>
public interface INationalNumberParser
{
    /// <summary>Gets the name of the component (for example its package), for messages.</summary>
    string Name { get; }

    /// <summary>Gets whether <paramref name="region"/> (an ISO 3166 alpha-2 code, upper case) is a region it knows.</summary>
    bool IsKnownRegion(string region);

    /// <summary>
    /// Reads <paramref name="digits"/> (ASCII digits as written, trunk prefix included, separators removed) as a
    /// number of <paramref name="region"/>, checked against that region's numbering plan.
    /// </summary>
    NationalNumberResult ParseNational(string digits, string region);

    /// <summary>
    /// Gets whether <paramref name="digits"/> (country calling code and national number, ASCII digits, no <c>+</c>)
    /// is a valid number in its country's numbering plan: used to tell whether bare digits could be international.
    /// </summary>
    bool IsValidInternational(string digits);
}

/// <summary>Why a national number was not accepted.</summary>
public enum NationalNumberError
{
    /// <summary>It was accepted.</summary>
    None = 0,

    /// <summary>Too few digits for any number of the region.</summary>
    TooShort,

    /// <summary>Too many digits for any number of the region.</summary>
    TooLong,

    /// <summary>A length between the region's shortest and longest that no number of it has.</summary>
    InvalidLength,

    /// <summary>A possible length, but no number in use in the region's numbering plan.</summary>
    NotValid,
}

/// <summary>The result of <see cref="INationalNumberParser.ParseNational"/>.</summary>
/// <param name="InternationalNumber">The number in international form (country calling code first) when accepted.</param>
/// <param name="Error">Why it was not accepted, or <see cref="NationalNumberError.None"/>.</param>
public readonly record struct NationalNumberResult(ulong InternationalNumber, NationalNumberError Error)
{
    /// <summary>Gets whether the number was accepted.</summary>
    public bool IsValid => Error == NationalNumberError.None;

    /// <summary>An accepted number.</summary>
    public static NationalNumberResult Valid(ulong internationalNumber) => new(internationalNumber, NationalNumberError.None);

    /// <summary>A refused number.</summary>
    public static NationalNumberResult Invalid(NationalNumberError error) => new(0, error);
}

/// <summary>A parser and the region it reads national numbers for: what <c>default_region</c> switches on.</summary>
internal sealed record NationalNumbering(INationalNumberParser Parser, string Region);
