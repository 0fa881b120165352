using System;

namespace Hermes.ServicePolicy.Tests;

/// <summary>A random source that draws the given numbers in turn, the last one for ever (the jitter in seconds).</summary>
internal sealed class FixedRandom(params int[] values) : Random
{
    private int _next;

    public override int Next(int minValue, int maxValue) => values[Math.Min(_next++, values.Length - 1)];
}
