using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Checks;

/// <summary>What an <see cref="IOutboundCheck"/> sees of a message about to leave: that chat and that text, nothing of other chats.</summary>
public sealed class OutboundCheckContext
{
    /// <summary>Creates a context (the policy makes them; public so a host can test its checks).</summary>
    /// <param name="chat">The chat, by its canonical id.</param>
    /// <param name="text">The exact text that would leave.</param>
    /// <param name="initiator">Who asked for the send (for an approval, who asked for the draft).</param>
    public OutboundCheckContext(ChatId chat, string text, Initiator initiator)
    {
        ArgumentNullException.ThrowIfNull(text);
        Chat = chat;
        Text = text;
        Initiator = initiator;
    }

    /// <summary>Gets the chat, by its canonical id (a linked chat by its phone JID).</summary>
    public ChatId Chat { get; }

    /// <summary>Gets the exact text that would leave.</summary>
    public string Text { get; }

    /// <summary>Gets who asked for the send; for an approval, who asked for the draft.</summary>
    public Initiator Initiator { get; }

    /// <summary>Gets the session the message belongs to, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets whether this is the first contact with the chat.</summary>
    public bool IsFirstContact { get; init; }

    /// <summary>Gets whether the message carries media.</summary>
    public bool HasMedia { get; init; }

    /// <summary>
    /// Gets the draft being approved, or default for a send. An approval is the owner's decision: a hold counts as an
    /// allow then, and only a denial stops it.
    /// </summary>
    public DraftId Draft { get; init; }

    /// <summary>Gets whether this is an owner approving a draft rather than a send.</summary>
    public bool IsApproval => Draft.Value is not null;

    /// <summary>Gets the operator named as the requester or approver, if any.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Gets the time of the library's decision that the check is asked about.</summary>
    public DateTimeOffset DecidedAt { get; init; }
}
