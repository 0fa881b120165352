using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>One chat in a safe listing: metadata only, never a message body.</summary>
/// <param name="Chat">The canonical chat id (a linked chat by its phone JID).</param>
/// <param name="Name">The display name with control, bidi and invisible characters removed, at most 64 characters.</param>
/// <param name="Kind">The kind of chat.</param>
/// <param name="LastActivity">The last activity, if known.</param>
/// <param name="Status">The service status.</param>
/// <param name="UnreadCount">Unread messages, as the host reported.</param>
/// <param name="IsBusiness">Whether the host reported a business account.</param>
public sealed record ChatListing(
    ChatId Chat,
    string Name,
    ChatKind Kind,
    DateTimeOffset? LastActivity,
    ServiceChatStatus Status,
    int UnreadCount,
    bool IsBusiness)
{
    /// <summary>The whole sanitised name (not cut for display): what name lookup matches against.</summary>
    internal string MatchName { get; init; } = Name;
}
