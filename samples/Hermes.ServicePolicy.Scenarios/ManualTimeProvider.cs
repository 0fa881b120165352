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
    /// <exception cref="ArgumentOutOfRangeException">The time is earlier than now.</exception>
    public void SetUtcNow(DateTimeOffset at)
    {
        if (at < _now)
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, $"The clock cannot move backwards from {_now:O}.");
        }

        _now = at;
    }

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => SetUtcNow(_now + by);
}
