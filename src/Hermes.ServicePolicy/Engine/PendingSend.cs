using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// A send permit waiting for the host's report, with what a <c>failed</c> report must undo. Immutable.
/// </summary>
/// <param name="Id">The send id.</param>
/// <param name="Chat">The chat (as it was named when the permit was issued; look up its primary before use).</param>
/// <param name="Text">The exact text permitted.</param>
/// <param name="Session">The session the send belongs to.</param>
/// <param name="Initiator">Who asked for the send.</param>
/// <param name="FirstContact">Whether it is a first contact.</param>
/// <param name="Draft">The approved draft it sends, if any.</param>
/// <param name="IssuedAt">When the permit was issued (the daily slot it took is keyed by this time).</param>
/// <param name="ConfirmBy">When the sweep closes it as <c>unknown</c>.</param>
/// <param name="DecidedAt">The log position the permit was decided at (its own event's sequence, when it has one).</param>
internal sealed record PendingSend(
    SendId Id,
    ChatId Chat,
    string Text,
    string? Session,
    Initiator Initiator,
    bool FirstContact,
    DraftId Draft,
    DateTimeOffset IssuedAt,
    DateTimeOffset ConfirmBy,
    long DecidedAt)
{
    /// <summary>The first contact took a daily new-chat slot and made the chat a service chat.</summary>
    public bool TookSlot { get; init; }

    /// <summary>The permit bound the chat's session (so a failure unbinds it, if it is still bound to it).</summary>
    public bool BoundSession { get; init; }
}

/// <summary>How a send was closed, remembered for 30 days so a repeated report is answered consistently.</summary>
/// <param name="Outcome">The first report's outcome.</param>
/// <param name="ClosedAt">When it was closed.</param>
internal readonly record struct ClosedSend(SendOutcome Outcome, DateTimeOffset ClosedAt);
