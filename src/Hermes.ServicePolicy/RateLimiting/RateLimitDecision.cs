using System;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>The answer of an <see cref="IRateLimiter"/>: acquired, or denied with a reason and, where waiting helps, a retry-after.</summary>
public readonly struct RateLimitDecision
{
    private RateLimitDecision(ReasonCode reason, TimeSpan? retryAfter)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>An acquired permit.</summary>
    public static RateLimitDecision Acquired => default;

    /// <summary>Gets whether the permit was acquired (and counted).</summary>
    public bool IsAcquired => Reason == ReasonCode.None;

    /// <summary>Gets the denial reason (<see cref="ReasonCode.DailyNewChatLimit"/>, <see cref="ReasonCode.HourlySendLimit"/> or <see cref="ReasonCode.ConsecutiveSendsWithoutReply"/>).</summary>
    public ReasonCode Reason { get; }

    /// <summary>Gets how long until a permit frees up, or <see langword="null"/> when time alone will not help (a reply is needed, or the limit is 0).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>A denial.</summary>
    public static RateLimitDecision Denied(ReasonCode reason, TimeSpan? retryAfter) => new(reason, retryAfter);
}
