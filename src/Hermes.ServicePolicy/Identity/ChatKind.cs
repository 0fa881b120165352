namespace Hermes.ServicePolicy.Identity;

/// <summary>What kind of WhatsApp chat a <see cref="ChatId"/> names. Only <see cref="Phone"/> and <see cref="Lid"/> chats can be service chats.</summary>
public enum ChatKind : byte
{
    /// <summary>Not a chat: the value of <c>default(ChatId)</c>.</summary>
    None = 0,

    /// <summary>A one-to-one chat with a phone-number user, <c>34600123456@s.whatsapp.net</c> (or <c>@c.us</c>).</summary>
    Phone = 1,

    /// <summary>A one-to-one chat with a LID (linked identity) user, <c>123456789012345@lid</c>. A LID is not a phone number.</summary>
    Lid = 2,

    /// <summary>A group, <c>120363012345678901@g.us</c> or old-style <c>34600123456-1600000000@g.us</c>.</summary>
    Group = 3,

    /// <summary>A broadcast list or the status feed, <c>status@broadcast</c>.</summary>
    Broadcast = 4,

    /// <summary>A channel (newsletter), <c>120363144038483540@newsletter</c>.</summary>
    Newsletter = 5,
}
