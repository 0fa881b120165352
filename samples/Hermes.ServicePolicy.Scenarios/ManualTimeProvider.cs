using System;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>A clock that only moves when told to: the scenario's <c>now</c> and <c>advance</c> steps.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    /// <summary>Starts the clock at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock to <paramref name="at"/>; never backwards.</summary>
    /// <exception cref="ScenarioFormatException">The time is earlier than now.</exception>
    public void SetUtcNow(DateTimeOffset at)
    {
        if (at < _now)
        {
            throw new ScenarioFormatException($"the clock cannot move backwards (from {_now:O} to {at:O})");
        }

        _now = at;
    }

    /// <summary>Moves the clock forward.</summary>
    /// <exception cref="ScenarioFormatException">The duration is negative or would move the clock past 9999-12-31.</exception>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ScenarioFormatException($"the clock cannot move backwards (advance by {by})");
        }

        if (by.Ticks > DateTimeOffset.MaxValue.UtcTicks - _now.UtcTicks)
        {
            throw new ScenarioFormatException($"the clock cannot move past {DateTimeOffset.MaxValue:O} (now {_now:O}, advance by {by})");
        }

        SetUtcNow(_now + by);
    }
}
