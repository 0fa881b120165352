using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Extensions.Logging;

/// <summary>Masks the middle digits of phone and LID chats for logs: <c>346*****111@s.whatsapp.net</c>.</summary>
public static class ChatMasking
{
    /// <summary>Masks <paramref name="chat"/>; groups, broadcasts and newsletters are not personal numbers and stay whole.</summary>
    public static string Mask(ChatId chat) => chat.IsEmpty ? "-" : chat.ToMaskedString();
}
