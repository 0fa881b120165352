using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>A send permit waiting for the host's report.</summary>
/// <param name="Send">The send id.</param>
/// <param name="Chat">The canonical chat.</param>
/// <param name="Text">The exact text permitted.</param>
/// <param name="SessionId">The session it belongs to.</param>
/// <param name="Initiator">Who asked for it.</param>
/// <param name="IsFirstContact">Whether it is a first contact.</param>
/// <param name="Draft">The approved draft it sends, if any.</param>
/// <param name="IssuedAt">When the permit was issued.</param>
/// <param name="ConfirmBy">When the sweep closes it as <c>send_unknown</c> unless the host reports first.</param>
public sealed record PendingSendInfo(SendId Send, ChatId Chat, string Text, string? SessionId, Initiator Initiator, bool IsFirstContact, DraftId Draft, DateTimeOffset IssuedAt, DateTimeOffset ConfirmBy);

/// <summary>What a sweep closed.</summary>
/// <param name="DraftsExpired">Drafts that expired.</param>
/// <param name="SendsClosed">Sends closed as <c>send_unknown</c> because the host did not confirm them in time.</param>
public readonly record struct SweepResult(int DraftsExpired, int SendsClosed)
{
    /// <summary>Gets how many events of history <c>audit_retention_days</c> pruned in this sweep.</summary>
    public long EventsPruned { get; init; }
}
