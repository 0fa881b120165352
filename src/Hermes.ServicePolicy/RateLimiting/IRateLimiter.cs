using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The blast-radius limits of docs/behaviour.md: new service chats per rolling 24 h, autonomous sends per chat per sliding
/// hour, and autonomous sends in a row without a reply. Every acquire checks and counts atomically, so concurrent
/// callers can never overshoot a limit. Time is passed in (from the policy's <see cref="TimeProvider"/>).
/// </summary>
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

    /// <summary>Copies the autonomous-send counters that were counted before <paramref name="now"/>'s hour ended, for a checkpoint.</summary>
    RateLimiterState CaptureState(DateTimeOffset now);

    /// <summary>
    /// Copies the counters of the chats whose counters changed since the last call (all of them the first time is not
    /// required): the batched <c>counters_saved</c> record costs what changed, not what exists.
    /// </summary>
    RateLimiterState CaptureChanges(DateTimeOffset now);

    /// <summary>
    /// Sets the counters of each chat in <paramref name="state"/> to the ones given (and the new-chat window, when it
    /// carries one): at start-up, from a snapshot and then from each later <c>counters_saved</c> record, before any decision.
    /// </summary>
    void RestoreState(RateLimiterState state);
}
