namespace Hermes.ServicePolicy.Targeting;

/// <summary>Why a target is <see cref="TargetResolutionKind.Invalid"/>. <see cref="TargetErrors.Describe"/> explains each value.</summary>
public enum TargetError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The target is empty (or only white space and invisible characters).</summary>
    Empty,

    /// <summary>The target contains <c>@</c> but is not a valid JID.</summary>
    InvalidJid,

    /// <summary>A number written in national format (separators or a trunk 0, no <c>+</c> or <c>00</c>).</summary>
    NationalNumber,

    /// <summary>Letters in a phone number (no keypad conversion is done).</summary>
    Letters,

    /// <summary>A phone number with an extension (<c>ext</c>, <c>x</c>, <c>#</c>, <c>;ext=</c>, <c>,</c>).</summary>
    Extension,

    /// <summary>The number does not start with an assigned country calling code (including <c>+0…</c>).</summary>
    InvalidCountryCode,

    /// <summary>Fewer than 7 digits.</summary>
    TooFewDigits,

    /// <summary>More than 15 digits.</summary>
    TooManyDigits,

    /// <summary>A character that belongs in no phone number (<c>*</c>, a second <c>+</c>, symbols).</summary>
    InvalidCharacter,

    /// <summary>A group invite link (<c>chat.whatsapp.com/…</c>): groups are never service chats.</summary>
    GroupInviteLink,

    /// <summary>A link that names no phone number (another host, a short message link, no <c>phone=</c>).</summary>
    UnsupportedLink,

    /// <summary>The target is not valid Unicode text (it holds a lone surrogate).</summary>
    InvalidText,

    /// <summary>A national number (with <c>default_region</c>) with too few digits for any number of the region.</summary>
    TooShortForRegion,

    /// <summary>A national number (with <c>default_region</c>) with too many digits for any number of the region.</summary>
    TooLongForRegion,

    /// <summary>A national number (with <c>default_region</c>) of a length no number of the region has.</summary>
    ImpossibleForRegion,

    /// <summary>A national number (with <c>default_region</c>) of a possible length that is not in use in the region's numbering plan.</summary>
    NotValidForRegion,
}

/// <summary>Descriptions of <see cref="TargetError"/> values.</summary>
public static class TargetErrors
{
    /// <summary>Gets a short plain-language description of <paramref name="error"/>.</summary>
    public static string Describe(this TargetError error) => error switch
    {
        TargetError.None => "valid",
        TargetError.Empty => "the target is empty",
        TargetError.InvalidJid => "the target contains '@' but is not a valid WhatsApp JID",
        TargetError.NationalNumber => "the number is in national format: an international prefix (+ or 00 and the country code) is needed, or a default_region with the phone-number package",
        TargetError.Letters => "phone numbers cannot contain letters",
        TargetError.Extension => "phone numbers with an extension cannot be WhatsApp chats",
        TargetError.InvalidCountryCode => "the number does not start with an assigned country calling code",
        TargetError.TooFewDigits => "too few digits: a phone number has 7 to 15 digits",
        TargetError.TooManyDigits => "too many digits: a phone number has 7 to 15 digits",
        TargetError.InvalidCharacter => "the number contains a character that belongs in no phone number",
        TargetError.GroupInviteLink => "group invite links cannot be targets: groups are never service chats",
        TargetError.UnsupportedLink => "the link names no phone number",
        TargetError.InvalidText => "the target is not valid Unicode text (it holds a lone surrogate)",
        TargetError.TooShortForRegion => "the national number is too short for the default region (check it, or write it with + and the country code)",
        TargetError.TooLongForRegion => "the national number is too long for the default region (check it, or write it with + and the country code)",
        TargetError.ImpossibleForRegion => "no number of the default region has that many digits (check it, or write it with + and the country code)",
        TargetError.NotValidForRegion => "the national number is not valid in the default region's numbering plan (check it, or write it with + and the country code)",
        _ => "invalid target",
    };
}
