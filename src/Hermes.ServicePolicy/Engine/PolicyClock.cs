using System;

namespace Hermes.ServicePolicy.Engine;

/// <summary>Time arithmetic that cannot throw: a clock near the end of time clamps rather than crashing a decision.</summary>
internal static class PolicyClock
{
    /// <summary><paramref name="time"/> + <paramref name="duration"/>, or <see cref="DateTimeOffset.MaxValue"/> when that would overflow.</summary>
    public static DateTimeOffset AddClamped(DateTimeOffset time, TimeSpan duration)
        => duration.Ticks > DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks
            ? DateTimeOffset.MaxValue
            : time + duration;
}
