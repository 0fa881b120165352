using System;
using Hermes.ServicePolicy.Configuration;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The <c>not_before</c> of an agent's permit (<c>send_jitter_seconds</c>): a whole number of seconds drawn uniformly
/// from [0, jitter] by the policy's random source, so the agent's sends do not leave in a machine's rhythm. Calls are
/// serialised, so a seeded <see cref="Random"/> (not thread-safe) gives the same sequence in tests.
/// </summary>
internal sealed class SendJitter
{
    private readonly Random _random;

    public SendJitter(Random random) => _random = random;

    /// <summary>When the permit may be used: null when it may be used at once (jitter off, or not the agent's send).</summary>
    public DateTimeOffset? NotBefore(Initiator initiator, DateTimeOffset now, PolicyConfiguration configuration)
    {
        if (initiator != Initiator.Agent || configuration.SendJitterSeconds <= 0)
        {
            return null;
        }

        int seconds;
        lock (_random)
        {
            seconds = _random.Next(0, configuration.SendJitterSeconds + 1);
        }

        return PolicyClock.AddClamped(now, TimeSpan.FromSeconds(seconds));
    }
}
