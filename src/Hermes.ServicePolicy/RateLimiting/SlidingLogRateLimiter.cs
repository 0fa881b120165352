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
public sealed partial class SlidingLogRateLimiter : IRateLimiter, IRateLimiterState
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly TimestampWindow _newChats = new();
    private readonly ConcurrentDictionary<ChatId, ChatCounters> _chats = new();
    private readonly ConcurrentQueue<ChatCounters> _changed = new();
    private int _chatsInARun; // chats whose sends in a row are above zero: a reply while none is asks no dictionary

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

    // The same, with the chat's counters cached by the caller (in the chat's slot): the hot path takes no second lookup.
    RateLimitDecision IRateLimiterState.TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit, ref object? cache)
        => TryAcquireAutonomousSend(chat, now, hourlyLimit, consecutiveLimit, ref cache);

    private RateLimitDecision TryAcquireAutonomousSend(ChatId chat, DateTimeOffset now, int hourlyLimit, int consecutiveLimit, ref object? cache)
    {
        if (hourlyLimit <= 0)
        {
            return RateLimitDecision.Denied(ReasonCode.HourlySendLimit, null);
        }

        if (consecutiveLimit <= 0)
        {
            return RateLimitDecision.Denied(ReasonCode.ConsecutiveSendsWithoutReply, null);
        }

        if (cache is not ChatCounters counters || Volatile.Read(ref counters.Retired))
        {
            counters = _chats.GetOrAdd(chat, static c => new ChatCounters(c));
            cache = counters;
        }

        while (Volatile.Read(ref counters.MergedInto) is { } merged)
        {
            counters = merged; // the chat was linked to another identity: its counters live there now
            cache = counters;
        }

        lock (counters.Gate)
        {
            if (counters.MergedInto is not null || counters.Retired)
            {
                return TryAcquireAutonomousSend(chat, now, hourlyLimit, consecutiveLimit, ref cache); // merged or pruned while we waited
            }

            if (counters.Consecutive >= consecutiveLimit)
            {
                return RateLimitDecision.Denied(ReasonCode.ConsecutiveSendsWithoutReply, null);
            }

            var decision = counters.Hourly.TryAdd(now.UtcTicks, Hour.Ticks, hourlyLimit, ReasonCode.HourlySendLimit);
            if (decision.IsAcquired)
            {
                SetConsecutive(counters, counters.Consecutive + 1);
                MarkChanged(counters);
            }

            return decision;
        }
    }

    /// <inheritdoc />
    public void RecordAutonomousSend(ChatId chat, DateTimeOffset sentAt)
    {
        while (true)
        {
            var counters = Current(_chats.GetOrAdd(chat, static c => new ChatCounters(c)));

            lock (counters.Gate)
            {
                if (counters.Retired)
                {
                    continue;
                }

                counters.Hourly.Add(sentAt.UtcTicks);
                SetConsecutive(counters, counters.Consecutive + 1);
            }

            MarkChanged(counters);
            return;
        }
    }

    /// <inheritdoc />
    public void ReleaseAutonomousSend(ChatId chat, DateTimeOffset acquiredAt)
    {
        if (Find(chat) is not { } counters)
        {
            return;
        }

        lock (counters.Gate)
        {
            counters.Hourly.Remove(acquiredAt.UtcTicks);
            SetConsecutive(counters, Math.Max(0, counters.Consecutive - 1));
        }

        MarkChanged(counters);
    }

    /// <inheritdoc />
    public int CountConsecutiveSends(ChatId chat)
    {
        if (Volatile.Read(ref _chatsInARun) == 0 || Find(chat) is not { } counters)
        {
            return 0;
        }

        return Volatile.Read(ref counters.Consecutive);
    }

    /// <inheritdoc />
    public bool RecordReply(ChatId chat)
    {
        // No chat has a send in a row (a reply to a chat the agent has not written to, the usual case for a chat
        // approved by a pattern, which has no slot to remember it): nothing to reset, and no lookup.
        if (Volatile.Read(ref _chatsInARun) == 0 || Find(chat) is not { } counters)
        {
            return false;
        }

        if (Volatile.Read(ref counters.Consecutive) != 0)
        {
            lock (counters.Gate)
            {
                SetConsecutive(counters, 0);
            }

            MarkChanged(counters);
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

        var target = _chats.GetOrAdd(primary, static c => new ChatCounters(c));
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

                SetConsecutive(target, target.Consecutive + source.Consecutive); // one chat: the agent's sends to either identity were in a row
                source.Hourly.Expire(long.MaxValue);
                SetConsecutive(source, 0);
                Volatile.Write(ref source.MergedInto, target);
            }
        }

        MarkChanged(source);
        MarkChanged(target);
    }

    // Allocation-free after the first time: the flag makes each chat's counters queue at most once between captures.
    /// <summary>The chat's counters, where they live now (a linked chat's are merged into its alias's), or null when it has none.</summary>
    private ChatCounters? Find(ChatId chat) => _chats.TryGetValue(chat, out var counters) ? Current(counters) : null;

    /// <summary>Follows the merges: the counters a chat's old counters were merged into when it was linked to another identity.</summary>
    private static ChatCounters Current(ChatCounters counters)
    {
        while (Volatile.Read(ref counters.MergedInto) is { } merged)
        {
            counters = merged;
        }

        return counters;
    }

    /// <summary>Sets a chat's sends in a row (under its gate), keeping the count of chats in a run.</summary>
    private void SetConsecutive(ChatCounters counters, int value)
    {
        if ((counters.Consecutive == 0) != (value == 0))
        {
            Interlocked.Add(ref _chatsInARun, value == 0 ? -1 : 1); // before a reply can read the chat's new count
        }

        counters.Consecutive = value;
    }

    private void MarkChanged(ChatCounters counters)
    {
        if (Interlocked.CompareExchange(ref counters.Changed, 1, 0) == 0)
        {
            _changed.Enqueue(counters);
        }
    }

    private sealed class ChatCounters(ChatId chat)
    {
        public readonly ChatId Chat = chat;

        /// <summary>1 while queued for the next <see cref="CaptureChanges"/>.</summary>
        public int Changed;

        /// <summary>Set when pruned as idle: a cached reference must look the chat up again.</summary>
        public bool Retired;

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
}
