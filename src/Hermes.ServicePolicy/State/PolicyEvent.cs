using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// One fact in the policy's log: a state change and, for audited types, its audit record. State is rebuilt by
/// replaying these, so a change and its record are one append and cannot disagree. Immutable.
/// </summary>
public sealed record PolicyEvent
{
    /// <summary>Gets the position in the log, from 1, assigned by the policy when the event is committed.</summary>
    public long Sequence { get; init; }

    /// <summary>Gets the kind of event.</summary>
    public PolicyEventType Type { get; init; }

    /// <summary>Gets when it happened, from the policy's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the chat (canonical; a linked chat by its phone JID), or <c>default</c> when none.</summary>
    public ChatId Chat { get; init; }

    /// <summary>Gets the LID of an <c>alias_linked</c> event.</summary>
    public ChatId Alias { get; init; }

    /// <summary>Gets who caused it: an operator id, <c>agent</c>, <c>operator</c> (a send the operator asked for) or <c>system</c>.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the reason, for blocks and denials.</summary>
    public ReasonCode Reason { get; init; }

    /// <summary>Gets the draft involved, if any.</summary>
    public string? DraftId { get; init; }

    /// <summary>Gets the short handle of the draft involved (<c>K7QM</c>), written when the draft is created.</summary>
    public string? Handle { get; init; }

    /// <summary>Gets the host session involved, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets the mode before a change (<c>mode_changed</c>, <c>chat_promoted</c>).</summary>
    public ServiceChatMode? FromMode { get; init; }

    /// <summary>Gets the mode after a change, or the mode a chat got (<c>chat_approved</c>, <c>first_contact_sent</c>).</summary>
    public ServiceChatMode? ToMode { get; init; }

    /// <summary>Gets the count of an <c>inbound_blocked</c> event: blocks since the previous event for the pair.</summary>
    public int Count { get; init; }

    /// <summary>Gets the retry-after of a denial, where one applies.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the exact text of a draft (needed to send exactly what was approved after a restart).</summary>
    public string? Text { get; init; }

    /// <summary>Gets whether a draft or a denied send carried media.</summary>
    public bool HasMedia { get; init; }

    /// <summary>Gets who initiated a send or a draft.</summary>
    public Initiator? Initiator { get; init; }

    /// <summary>Gets when a draft expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the send permit involved (a permit, its confirmation, its undoing), if any.</summary>
    public SendId Send { get; init; }

    /// <summary>Gets the latest time the host may confirm a permitted send before the sweep closes it as unknown.</summary>
    public DateTimeOffset? ConfirmBy { get; init; }

    /// <summary>
    /// Gets when the permit a send report closes was issued (<c>message_sent</c>, <c>send_failed</c>, ...): a restart
    /// that never saw the permit counts the agent's send from then (docs/behaviour.md#agent-pacing).
    /// </summary>
    public DateTimeOffset? PermittedAt { get; init; }

    /// <summary>Gets whether a send was a first contact (<c>send_failed</c>, <c>send_unknown</c>).</summary>
    public bool FirstContact { get; init; }

    /// <summary>Gets the transport's id of a delivered message (<c>message_sent</c>, <c>first_contact_sent</c>), when the host gave one.</summary>
    public string? TransportMessageId { get; init; }

    /// <summary>Gets what the host said went wrong with a send (<c>send_failed</c>, <c>send_unknown</c>): at most 500 characters, no control characters.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Gets the log position a send was decided at (its report's events): a send decided before the chat's mode changed
    /// does not count for promotion, and a replay must know that even when the permit itself was never logged.
    /// </summary>
    public long DecidedAt { get; init; }

    /// <summary>Gets the counters of a <c>counters_saved</c> event (only what changed since the previous one).</summary>
    public PolicyCheckpoint? Counters { get; init; }

    /// <summary>Gets free text: what a configuration changed, or why it was refused.</summary>
    public string? Detail { get; init; }

    /// <summary>Gets whether this is an audit event (docs/behaviour.md#audit-events) rather than bookkeeping.</summary>
    public bool IsAudited => Type.IsAudited();
}
