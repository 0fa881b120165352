using System;
using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The default <see cref="IRateLimiter"/> (named for its algorithm, and so as not to clash with
/// System.Threading.RateLimiting's SlidingWindowRateLimiter): exact sliding-window logs (the time of each counted event in a ring
/// buffer), so a limit is never exceeded at a window edge as fixed windows allow. Each window takes a short lock of
/// its own; chats never contend with one another. Steady-state acquires allocate nothing.
/// </summary>
public sealed class SlidingLogRateLimiter : IRateLimiter
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly TimestampWindow _newChats = new();
    private readonly ConcurrentDictionary<ChatId, ChatCounters> _chats = new();

    /// <summary>Gets how many new chats are counted in the 24 h before <paramref name="now"/>.</summary>
    public int CountNewChats(DateTimeOffset now)
    {
        lock (_newChats)
        {
            _newChats.Expire(now.UtcTicks - Day.Ticks);
            return _newChats.Count;
        }
    }

    /// <inheritdoc />
    public RateLimitDecision TryAcquireNewChat(DateTimeOffset now, int limit)
    {
        if (limit <= 0)
        {
            return RateLimitDecision.Denied(ReasonCode.DailyNewChatLimit, null);
        }

        lock (_newChats)
        {
            return _newChats.TryAdd(now.UtcTicks, Day.Ticks, limit, ReasonCode.DailyNewChatLimit);
        }
    }

    /// <inheritdoc />
    public void ReleaseNewChat(DateTimeOffset acquiredAt)
    {
        lock (_newChats)
        {
            _newChats.Remove(acquiredAt.UtcTicks);
        }
    }

    /// <inheritdoc />
    public void RecordNewChat(DateTimeOffset sentAt)
    {
        lock (_newChats)
        {
            _newChats.Add(sentAt.UtcTicks);
        }
    }

    /// <inheritdoc />
    public RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit)
    {
        object? cache = null;
        return TryAcquireAutonomousSend(chat, now, hourlyLimit, consecutiveLimit, ref cache);
    }

    /// <summary>
    /// The same, with the chat's counters cached by the caller (the policy keeps them in the chat's slot), so the hot
    /// send path finds them without a second dictionary lookup.
    /// </summary>
    internal RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit, ref object? cache)
    {
        if (hourlyLimit <= 0)
        {
            return RateLimitDecision.Denied(ReasonCode.HourlySendLimit, null);
        }

        if (consecutiveLimit <= 0)
        {
            return RateLimitDecision.Denied(ReasonCode.ConsecutiveSendsWithoutReply, null);
        }

        if (cache is not ChatCounters counters)
        {
            counters = _chats.GetOrAdd(chat, static _ => new ChatCounters());
            cache = counters;
        }

        while (Volatile.Read(ref counters.MergedInto) is { } merged)
        {
            counters = merged; // the chat was linked to another identity: its counters live there now
            cache = counters;
        }

        lock (counters.Gate)
        {
            if (counters.MergedInto is not null)
            {
                return TryAcquireAutonomousSend(chat, now, hourlyLimit, consecutiveLimit, ref cache); // merged while we waited
            }

            if (counters.Consecutive >= consecutiveLimit)
            {
                return RateLimitDecision.Denied(ReasonCode.ConsecutiveSendsWithoutReply, null);
            }

            var decision = counters.Hourly.TryAdd(now.UtcTicks, Hour.Ticks, hourlyLimit, ReasonCode.HourlySendLimit);
            if (decision.IsAcquired)
            {
                counters.Consecutive++;
            }

            return decision;
        }
    }

    /// <inheritdoc />
    public bool RecordReply(ChatId chat)
    {
        if (!_chats.TryGetValue(chat, out var counters))
        {
            return false;
        }

        while (Volatile.Read(ref counters.MergedInto) is { } merged)
        {
            counters = merged;
        }

        if (Volatile.Read(ref counters.Consecutive) != 0)
        {
            lock (counters.Gate)
            {
                counters.Consecutive = 0;
            }

            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public void MergeChats(ChatId linked, ChatId primary)
    {
        if (linked == primary || !_chats.TryGetValue(linked, out var source))
        {
            return;
        }

        var target = _chats.GetOrAdd(primary, static _ => new ChatCounters());
        if (ReferenceEquals(source, target))
        {
            return;
        }

        // The source stays in the table with a forward, so a send that looked it up a moment ago follows it instead of
        // counting where nobody looks any more. Links are never moved, so two merges never lock in opposite orders.
        lock (source.Gate)
        {
            lock (target.Gate)
            {
                foreach (var sent in source.Hourly.ToTimes())
                {
                    target.Hourly.Add(sent.UtcTicks);
                }

                target.Consecutive += source.Consecutive; // one chat: the agent's sends to either identity were in a row
                source.Hourly.Expire(long.MaxValue);
                source.Consecutive = 0;
                Volatile.Write(ref source.MergedInto, target);
            }
        }
    }

    /// <inheritdoc />
    public RateLimiterState CaptureState(DateTimeOffset now)
    {
        var chats = new List<ChatSendWindow>();
        foreach (var (chat, counters) in _chats)
        {
            lock (counters.Gate)
            {
                counters.Hourly.Expire(now.UtcTicks - Hour.Ticks);
                if (counters.MergedInto is not null || (counters.Hourly.Count == 0 && counters.Consecutive == 0))
                {
                    continue;
                }

                chats.Add(new ChatSendWindow(chat, counters.Hourly.ToTimes(), counters.Consecutive));
            }
        }

        return new RateLimiterState(chats);
    }

    /// <inheritdoc />
    public void RestoreState(RateLimiterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var window in state.Chats)
        {
            var counters = _chats.GetOrAdd(window.Chat, static _ => new ChatCounters());
            while (counters.MergedInto is { } merged)
            {
                counters = merged;
            }

            lock (counters.Gate)
            {
                foreach (var sent in window.Sends)
                {
                    counters.Hourly.Add(sent.UtcTicks);
                }

                counters.Consecutive = Math.Max(counters.Consecutive, window.Consecutive);
            }
        }
    }

    private sealed class ChatCounters
    {
#if NET9_0_OR_GREATER
        // System.Threading.Lock: a cheaper uncontended enter/exit than a monitor on the hot send path.
        public readonly Lock Gate = new();
#else
        public readonly object Gate = new();
#endif

        public readonly TimestampWindow Hourly = new();
        public int Consecutive;

        /// <summary>Set when this identity was linked into another chat: its counters were moved there.</summary>
        public ChatCounters? MergedInto;
    }

    /// <summary>
    /// A ring buffer of UTC ticks, oldest first. Its capacity is a power of two, so positions wrap with a mask rather
    /// than a division. Not thread-safe: callers lock it.
    /// </summary>
    private sealed class TimestampWindow
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
}
