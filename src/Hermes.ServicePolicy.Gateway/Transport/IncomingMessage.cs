using System.Collections.Generic;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>
/// One message a transport received (docs/writing-a-transport.md), with the fields the gateway needs. Ids are raw as the
/// transport got them (a sender can be a LID); the gateway parses them with <c>ChatId.TryParse</c>. Everything here is
/// untrusted input, and the body is the user's: never log it.
/// </summary>
public sealed record IncomingMessage
{
    /// <summary>Gets the transport's message id. A re-delivery repeats it: the gateway handles a (chat, id) pair once.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the raw chat JID.</summary>
    public required string ChatId { get; init; }

    /// <summary>Gets the raw sender JID (the chat in a one-to-one chat; can be a LID).</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the sender's push name, else their digits.</summary>
    public string? SenderName { get; init; }

    /// <summary>Gets the chat name (a push name in a one-to-one chat), used for names in listings and the owner's replies.</summary>
    public string? ChatName { get; init; }

    /// <summary>Gets whether the chat is a group.</summary>
    public bool IsGroup { get; init; }

    /// <summary>Gets the text or caption (a placeholder such as <c>[Sticker]</c> for other content).</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Gets whether it carries media.</summary>
    public bool HasMedia { get; init; }

    /// <summary>Gets the media type (<c>image</c>, <c>ptt</c>, …), empty when none.</summary>
    public string MediaType { get; init; } = string.Empty;

    /// <summary>Gets where the transport put downloaded media (paths or URLs it understands).</summary>
    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>Gets when it was sent, in Unix seconds (0 when the transport gave none).</summary>
    public long Timestamp { get; init; }

    /// <summary>Gets whether the owner typed it (their own message in a chat, or to their operator chat).</summary>
    public bool FromOwner { get; init; }

    /// <summary>
    /// Gets the chat's other identity when the transport knows it (a LID chat's phone JID, or the reverse), so the policy
    /// finds a chat it knows under the other one; null when unknown.
    /// </summary>
    public string? AlternateChatId { get; init; }
}
