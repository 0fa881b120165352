using System;
using System.Runtime.CompilerServices;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// A ring buffer of UTC ticks, oldest first. Its capacity is a power of two, so positions wrap with a mask rather
/// than a division. Not thread-safe: callers lock it.
/// </summary>
internal sealed class TimestampWindow
{
    private long[] _ring = new long[4];
    private int _head;

    public int Count { get; private set; }

    private int Mask => _ring.Length - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref long At(int index) => ref _ring[(_head + index) & Mask];

    public void Expire(long cutoffTicks)
    {
        // An event at exactly the cutoff is one window old and no longer counts.
        while (Count > 0 && _ring[_head] <= cutoffTicks)
        {
            _head = (_head + 1) & Mask;
            Count--;
        }
    }

    public RateLimitDecision TryAdd(long nowTicks, long windowTicks, int limit, ReasonCode reason)
    {
        Expire(nowTicks - windowTicks);
        if (Count >= limit)
        {
            // The slot that must expire before Count drops below the limit.
            var blocking = At(Count - limit);
            return RateLimitDecision.Denied(reason, TimeSpan.FromTicks(Math.Max(blocking + windowTicks - nowTicks, 0)));
        }

        Add(nowTicks);
        return RateLimitDecision.Acquired;
    }

    public void Add(long ticks)
    {
        if (Count == _ring.Length)
        {
            var grown = new long[_ring.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = At(i);
            }

            _ring = grown;
            _head = 0;
        }

        // Keep the ring ordered even when a replayed time is older than the newest entry.
        var index = Count;
        while (index > 0 && At(index - 1) > ticks)
        {
            At(index) = At(index - 1);
            index--;
        }

        At(index) = ticks;
        Count++;
    }

    /// <summary>The oldest time in the window, or null when it is empty.</summary>
    public long? Oldest => Count > 0 ? _ring[_head] : null;

    public DateTimeOffset[] ToTimes()
    {
        var times = new DateTimeOffset[Count];
        for (var i = 0; i < Count; i++)
        {
            times[i] = new DateTimeOffset(At(i), TimeSpan.Zero);
        }

        return times;
    }

    public void Remove(long ticks)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (At(i) == ticks)
            {
                for (var j = i; j < Count - 1; j++)
                {
                    At(j) = At(j + 1);
                }

                Count--;
                return;
            }
        }
    }
}
