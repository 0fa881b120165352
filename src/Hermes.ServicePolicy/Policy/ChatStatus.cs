using System;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>A chat's service status as an operator sees it.</summary>
/// <param name="Chat">The canonical chat (a linked chat by its phone JID).</param>
/// <param name="Status">The status (docs/behaviour.md#states-and-modes: revoked, paused, its mode, pending, blocked, none).</param>
/// <param name="SessionId">The session the chat is bound to, if any.</param>
/// <param name="Alias">The linked alias (the LID of a phone chat, or the reverse), if any.</param>
public readonly record struct ChatStatus(ChatId Chat, ServiceChatStatus Status, string? SessionId, ChatId Alias)
{
    /// <summary>
    /// Gets when the owner's takeover hold ends (<c>owner_takeover_minutes</c> after they last typed into the chat), or
    /// null when the owner does not hold it now: until then the agent neither sends nor drafts there.
    /// </summary>
    public DateTimeOffset? OwnerActiveUntil { get; init; }
}
