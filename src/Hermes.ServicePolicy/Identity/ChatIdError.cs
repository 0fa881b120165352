namespace Hermes.ServicePolicy.Identity;

/// <summary>Why a string is not a valid WhatsApp JID. <see cref="ChatIdErrors.Describe"/> explains each value.</summary>
public enum ChatIdError : byte
{
    /// <summary>The input parsed.</summary>
    None = 0,

    /// <summary>The input is empty.</summary>
    Empty,

    /// <summary>There is no <c>@</c> separating the user from the server.</summary>
    MissingServer,

    /// <summary>More than one <c>@</c>.</summary>
    MultipleAtSigns,

    /// <summary>The server is not one of WhatsApp's (<c>s.whatsapp.net</c>, <c>c.us</c>, <c>lid</c>, <c>g.us</c>, <c>broadcast</c>, <c>newsletter</c>).</summary>
    UnknownServer,

    /// <summary>Nothing before the <c>@</c>.</summary>
    MissingUser,

    /// <summary>The user part has characters other than digits (and, for groups, one <c>-</c>).</summary>
    InvalidUser,

    /// <summary>A device or agent suffix (<c>:12</c>, <c>.0:12</c>, <c>_1</c>) is malformed or not allowed on this server.</summary>
    InvalidSuffix,

    /// <summary>The number starts with a zero, which no WhatsApp id does.</summary>
    LeadingZero,

    /// <summary>Too few digits (a phone user has at least 7).</summary>
    TooFewDigits,

    /// <summary>Too many digits (15 for a phone user, 19 for a LID, 20 for a group or newsletter).</summary>
    TooManyDigits,
}

/// <summary>Descriptions of <see cref="ChatIdError"/> values.</summary>
public static class ChatIdErrors
{
    /// <summary>Gets a short plain-language description of <paramref name="error"/>.</summary>
    public static string Describe(this ChatIdError error) => error switch
    {
        ChatIdError.None => "valid",
        ChatIdError.Empty => "the chat id is empty",
        ChatIdError.MissingServer => "a JID needs '@' and a server, as in 34600123456@s.whatsapp.net",
        ChatIdError.MultipleAtSigns => "a JID has exactly one '@'",
        ChatIdError.UnknownServer => "the server is not a WhatsApp one (s.whatsapp.net, c.us, lid, g.us, broadcast, newsletter)",
        ChatIdError.MissingUser => "nothing stands before the '@'",
        ChatIdError.InvalidUser => "the user part of the JID must be digits",
        ChatIdError.InvalidSuffix => "the device or agent suffix is malformed or not allowed here",
        ChatIdError.LeadingZero => "WhatsApp ids never start with 0",
        ChatIdError.TooFewDigits => "too few digits (a phone number has 7 to 15)",
        ChatIdError.TooManyDigits => "too many digits for this kind of chat",
        _ => "invalid chat id",
    };
}
