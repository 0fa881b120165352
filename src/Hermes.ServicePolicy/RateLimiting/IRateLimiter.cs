using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The blast-radius limits of docs/behaviour.md: new service chats per rolling 24 h, autonomous sends per chat per sliding
/// hour, and autonomous sends in a row without a reply. Every acquire checks and counts atomically, so concurrent
/// callers can never overshoot a limit. Time is passed in (from the policy's <see cref="TimeProvider"/>).
/// </summary>
/// <remarks>
/// <para>
/// This is the seam a host may replace (<c>WithRateLimiter</c>): acquire, record, release, and the two reads the policy
/// needs. The policy records into it everything it reads back from its log (first contacts; with a shared store every
/// counted send and reply), so a limiter of the host's sees what the built-in one would.
/// </para>
/// <para>
/// Saving and restoring counters with the policy's own state (the batched <c>counters_saved</c> records and snapshots)
/// belongs to the built-in <see cref="SlidingLogRateLimiter"/>: a limiter of the host's keeps its own counters across
/// restarts (in its own store) and is never asked to capture or restore them.
/// </para>
/// </remarks>
public interface IRateLimiter
{
    /// <summary>Acquires a new-chat slot in the rolling 24 h window, or says when the oldest slot frees.</summary>
    RateLimitDecision TryAcquireNewChat(DateTimeOffset now, int limit);

    /// <summary>Gives back a slot acquired at <paramref name="acquiredAt"/> whose first contact was not sent after all.</summary>
    void ReleaseNewChat(DateTimeOffset acquiredAt);

    /// <summary>Counts a first contact sent at <paramref name="sentAt"/> without checking the limit (state replay at start-up).</summary>
    void RecordNewChat(DateTimeOffset sentAt);

    /// <summary>Acquires an autonomous send in <paramref name="chat"/>: within the sliding hour and the consecutive-sends limit.</summary>
    RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit);

    /// <summary>
    /// Counts an autonomous send without checking the limits: one another process decided (a shared store), or one read
    /// back from the log at start-up.
    /// </summary>
    void RecordAutonomousSend(ChatId chat, DateTimeOffset sentAt);

    /// <summary>Gives back an autonomous send acquired at <paramref name="acquiredAt"/> whose permit was never written (a conflict, a failed append).</summary>
    void ReleaseAutonomousSend(ChatId chat, DateTimeOffset acquiredAt);

    /// <summary>Gets how many autonomous sends in a row <paramref name="chat"/> has made without a reply (0 when none or unknown).</summary>
    int CountConsecutiveSends(ChatId chat);

    /// <summary>Resets the consecutive-sends counter of <paramref name="chat"/>: a reply arrived. Allocation-free.</summary>
    /// <returns>Whether a counter changed (and so a checkpoint is due).</returns>
    bool RecordReply(ChatId chat);

    /// <summary>
    /// Moves the autonomous-send counters of <paramref name="linked"/> into <paramref name="primary"/>: the two became
    /// one chat (a phone JID and its LID were linked), so their sends in the hour and in a row count together from now
    /// on, and a later acquire for either identity sees them all. Merging into itself, or an identity with no counters,
    /// does nothing.
    /// </summary>
    void MergeChats(ChatId linked, ChatId primary);
}
