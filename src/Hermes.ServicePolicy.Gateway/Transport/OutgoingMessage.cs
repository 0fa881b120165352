using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>One text as a transport puts it on the wire: a permitted send, or the gateway's own word to the owner.</summary>
/// <remarks>
/// A permitted send carries its permit's <see cref="Send"/> id. The gateway's own messages (a notice, the reply to an
/// owner's command, both only ever to an operator chat) carry none: <see cref="SendId.IsEmpty"/>.
/// 
/// <see cref="Chat"/> is the chat as the policy names it (canonical); <see cref="Alias"/> is the other identity the policy
/// knows for it (a phone chat's LID, a LID chat's phone), or empty. A transport that must address a contact migrated to
/// LIDs by its LID uses the alias (Hermes's bridge does when <c>PreferLidChats</c> is on); any other uses <see cref="Chat"/>.
/// </remarks>
public sealed record OutgoingMessage
{
    /// <summary>Creates a message the gateway sends on its own (a notice or a reply to the owner): no permit, no idempotency key.</summary>
    /// <exception cref="ArgumentException"><paramref name="chat"/> is empty, or <paramref name="text"/> is null or empty.</exception>
    public OutgoingMessage(ChatId chat, string text)
        : this(chat, text, default)
    {
    }

    /// <summary>Creates a permitted message.</summary>
    /// <exception cref="ArgumentException"><paramref name="chat"/> is empty, or <paramref name="text"/> is null or empty.</exception>
    public OutgoingMessage(ChatId chat, string text, SendId send)
    {
        if (chat.IsEmpty)
        {
            throw new ArgumentException("A message needs a chat.", nameof(chat));
        }

        ArgumentException.ThrowIfNullOrEmpty(text);
        Chat = chat;
        Text = text;
        Send = send;
    }

    /// <summary>Gets the chat as the policy names it.</summary>
    public ChatId Chat { get; }

    /// <summary>Gets the exact text the policy permitted.</summary>
    public string Text { get; }

    /// <summary>Gets the permit's send id: an idempotency key for a transport whose far end can drop duplicates; empty for the gateway's own messages.</summary>
    public SendId Send { get; }

    /// <summary>Gets the chat's other identity known to the policy (its LID, or its phone), or an empty id.</summary>
    public ChatId Alias { get; init; }
}
