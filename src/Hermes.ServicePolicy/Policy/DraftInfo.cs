using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>A draft waiting for an operator.</summary>
/// <param name="Id">The draft's id.</param>
/// <param name="Chat">The chat it would be sent to.</param>
/// <param name="Text">The exact text that approval sends.</param>
/// <param name="IsFirstContact">Whether it is the first contact with the chat.</param>
/// <param name="Initiator">Who asked for it.</param>
/// <param name="SessionId">The session it was drafted in.</param>
/// <param name="HasMedia">Whether it carries media.</param>
/// <param name="CreatedAt">When it was drafted.</param>
/// <param name="ExpiresAt">When it expires unless approved.</param>
public sealed record DraftInfo(DraftId Id, ChatId Chat, string Text, bool IsFirstContact, Initiator Initiator, string? SessionId, bool HasMedia, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>Gets the short handle an owner types to approve or reject it (<c>/service approve K7QM</c>).</summary>
    public string? Handle { get; init; }
}
