namespace Hermes.ServicePolicy.Discovery;

/// <summary>
/// One entry of the host's recent-chat list, in the shape of the Hermes bridge's <c>GET /chats?limit=N</c>
/// (<c>[{chatId, name, isGroup, lastMessageTimestamp, unreadCount, isBusiness}]</c>). It carries metadata only,
/// never a message body. Entries whose <see cref="ChatId"/> does not parse are skipped by the listing.
/// </summary>
/// <param name="ChatId">The chat's JID as the transport knows it.</param>
/// <param name="Name">The display name, untrusted: the listing sanitises it.</param>
/// <param name="IsGroup">Whether the transport says it is a group (the JID decides the kind).</param>
/// <param name="LastMessageTimestamp">The last activity in Unix seconds, if known.</param>
/// <param name="UnreadCount">Unread messages.</param>
/// <param name="IsBusiness">Whether the transport reports a business account.</param>
public sealed record RecentChat(
    string ChatId,
    string? Name,
    bool IsGroup = false,
    long? LastMessageTimestamp = null,
    int UnreadCount = 0,
    bool IsBusiness = false);
