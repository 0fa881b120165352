namespace Hermes.ServicePolicy.AI;

/// <summary>The names of the tools, as a model sees them.</summary>
public static class ServiceConversationToolNames
{
    /// <summary><c>list_service_chats</c>: the owner's service chats, metadata only.</summary>
    public const string ListServiceChats = "list_service_chats";

    /// <summary><c>find_chat</c>: a phone number, JID or name to a chat, ambiguity said.</summary>
    public const string FindChat = "find_chat";

    /// <summary><c>send_whatsapp_message</c>: a text to a chat, through the policy and the host's transport.</summary>
    public const string SendWhatsAppMessage = "send_whatsapp_message";

    /// <summary><c>chat_status</c>: one chat's mode, session and pending drafts.</summary>
    public const string ChatStatus = "chat_status";
}
