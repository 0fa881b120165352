using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The part of a rate limiter that the policy saves and restores with its own state (batched <c>counters_saved</c>
/// records, snapshots), prunes in its sweep, and asks on the autonomous hot path with the chat's cached counters. The
/// built-in <see cref="SlidingLogRateLimiter"/> is one; a host's <see cref="IRateLimiter"/> gets
/// <see cref="HostRateLimiterState"/>, which keeps nothing (its counters are its own to keep).
/// </summary>
internal interface IRateLimiterState
{
    /// <summary>Copies the autonomous-send counters that were counted before <paramref name="now"/>'s hour ended, for a snapshot.</summary>
    RateLimiterState CaptureState(DateTimeOffset now);

    /// <summary>Copies the counters of the chats whose counters changed since the last call: the batched record costs what changed.</summary>
    RateLimiterState CaptureChanges(DateTimeOffset now);

    /// <summary>Sets the counters of each chat in <paramref name="state"/> (start-up: a snapshot, then each later <c>counters_saved</c> record).</summary>
    void RestoreState(RateLimiterState state);

    /// <summary>Forgets counters with nothing in their window (the sweep). Returns how many were forgotten.</summary>
    int PruneIdle(DateTimeOffset now);

    /// <summary>
    /// The chat's autonomous sends in the hour before <paramref name="now"/> and when the oldest of them leaves it; null
    /// when the limiter is the host's own (its counts are its own).
    /// </summary>
    (int Count, DateTimeOffset? OldestLeavesAt)? HourlyUsage(ChatId chat, DateTimeOffset now);

    /// <summary>
    /// Acquires an autonomous send as <see cref="IRateLimiter.TryAcquireAutonomousSend"/> does, using (and filling)
    /// <paramref name="cache"/>, a per-chat reference the policy keeps in the chat's slot, so the hot path takes no lookup.
    /// </summary>
    RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit, ref object? cache);
}

/// <summary>The state part of a host's own <see cref="IRateLimiter"/>: nothing to save, restore or prune; acquires go to the host's limiter.</summary>
internal sealed class HostRateLimiterState : IRateLimiterState
{
    private readonly IRateLimiter _limiter;

    public HostRateLimiterState(IRateLimiter limiter) => _limiter = limiter;

    public RateLimiterState CaptureState(DateTimeOffset now) => RateLimiterState.Empty;

    public RateLimiterState CaptureChanges(DateTimeOffset now) => RateLimiterState.Empty;

    public void RestoreState(RateLimiterState state)
    {
        // The host's limiter keeps its own counters; a snapshot written with the built-in one is not forced on it.
    }

    public int PruneIdle(DateTimeOffset now) => 0;

    public (int Count, DateTimeOffset? OldestLeavesAt)? HourlyUsage(ChatId chat, DateTimeOffset now) => null;

    public RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit, ref object? cache)
        => _limiter.TryAcquireAutonomousSend(chat, now, hourlyLimit, consecutiveLimit);
}
