using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>
/// What the policy tells discovery and targeting: the chats it knows (service chats and chats blocked in the last
/// 7 days), each chat's status, and which identity names a linked chat. The default policy implements it.
/// </summary>
public interface IKnownChatSource
{
    /// <summary>Gets the known chats.</summary>
    IReadOnlyList<KnownChat> GetKnownChats();

    /// <summary>Gets the status of a chat (any alias).</summary>
    ServiceChatStatus GetStatus(ChatId chat);

    /// <summary>Gets the identity that names a chat: its phone JID when one is linked, else itself.</summary>
    ChatId GetPrimary(ChatId chat);

    /// <summary>Remembers the display name the host showed for a chat, so that name lookup finds service chats that left the recent list.</summary>
    void ObserveName(ChatId chat, string name);
}
