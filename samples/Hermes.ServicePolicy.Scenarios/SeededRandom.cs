using System;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// The policy's random source in a scenario (<c>send_jitter_seconds</c>): unseeded until a <c>configure</c> step says
/// <c>"random_seed": N</c>, then the same sequence on every run. The policy is built once with this object, so seeding it
/// later needs no restart. The policy serialises its calls.
/// </summary>
internal sealed class SeededRandom : Random
{
    private Random _inner = new();

    /// <summary>Starts the sequence of <paramref name="seed"/> from its beginning.</summary>
    public void Reseed(int seed) => _inner = new Random(seed);

    /// <inheritdoc />
    public override int Next() => _inner.Next();

    /// <inheritdoc />
    public override int Next(int maxValue) => _inner.Next(maxValue);

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue) => _inner.Next(minValue, maxValue);

    /// <inheritdoc />
    public override double NextDouble() => _inner.NextDouble();

    /// <inheritdoc />
    protected override double Sample() => _inner.NextDouble();
}
