using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Extensions.Logging;

/// <summary>Masks the middle digits of phone and LID chats for logs: <c>346*****111@s.whatsapp.net</c>.</summary>
public static class ChatMasking
{
    /// <summary>Masks <paramref name="chat"/>; groups, broadcasts and newsletters are not personal numbers and stay whole.</summary>
    public static string Mask(ChatId chat)
    {
        if (chat.IsEmpty)
        {
            return "-";
        }

        var text = chat.ToString();
        if (!chat.IsOneToOne)
        {
            return text;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 6)
        {
            return new string('*', at) + text[at..];
        }

        return string.Concat(text.AsSpan(0, 3), new string('*', at - 6), text.AsSpan(at - 3));
    }
}
