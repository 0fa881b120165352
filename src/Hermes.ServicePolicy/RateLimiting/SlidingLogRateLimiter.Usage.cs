using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>What the limiter has counted for a chat, for the owner's status views (never on a decision's path).</summary>
public sealed partial class SlidingLogRateLimiter
{
    /// <inheritdoc />
    (int Count, DateTimeOffset? OldestLeavesAt)? IRateLimiterState.HourlyUsage(ChatId chat, DateTimeOffset now)
    {
        if (Find(chat) is not { } counters)
        {
            return (0, null);
        }

        lock (counters.Gate)
        {
            counters.Hourly.Expire(now.UtcTicks - Hour.Ticks); // what a decision at now would expire too
            return (counters.Hourly.Count, counters.Hourly.Oldest is { } oldest ? new DateTimeOffset(oldest + Hour.Ticks, TimeSpan.Zero) : null);
        }
    }
}
