using System;
using System.Collections.Generic;
using System.Threading;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The counters as state (<see cref="IRateLimiterState"/>): captured for checkpoints, restored at start-up, and pruned
/// when idle. Never on a decision's path.
/// </summary>
public sealed partial class SlidingLogRateLimiter
{
    /// <inheritdoc />
    public RateLimiterState CaptureChanges(DateTimeOffset now)
    {
        var chats = new List<ChatSendWindow>();
        while (_changed.TryDequeue(out var counters))
        {
            Volatile.Write(ref counters.Changed, 0); // before the copy: a change racing it queues the chat again
            lock (counters.Gate)
            {
                counters.Hourly.Expire(now.UtcTicks - Hour.Ticks);
                chats.Add(new ChatSendWindow(counters.Chat, counters.MergedInto is null ? counters.Hourly.ToTimes() : [], counters.MergedInto is null ? counters.Consecutive : 0));
            }
        }

        return new RateLimiterState(chats);
    }

    /// <summary>
    /// Forgets the counters of chats with no send in the last hour and none in a row (called by the policy's sweep),
    /// so chats that once sent do not cost memory for ever. A caller holding them in a cache finds them retired and
    /// looks the chat up again.
    /// </summary>
    /// <returns>How many were forgotten.</returns>
    public int PruneIdle(DateTimeOffset now)
    {
        var pruned = 0;
        foreach (var (chat, counters) in _chats)
        {
            lock (counters.Gate)
            {
                counters.Hourly.Expire(now.UtcTicks - Hour.Ticks);
                if (counters.Hourly.Count != 0 || counters.Consecutive != 0 || Volatile.Read(ref counters.Changed) != 0)
                {
                    continue;
                }

                Volatile.Write(ref counters.Retired, true);
                _chats.TryRemove(new KeyValuePair<ChatId, ChatCounters>(chat, counters));
                pruned++;
            }
        }

        return pruned;
    }

    /// <summary>Gets how many chats have counters in memory.</summary>
    public int ChatCount => _chats.Count;

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

        List<DateTimeOffset> newChats;
        lock (_newChats)
        {
            _newChats.Expire(now.UtcTicks - Day.Ticks);
            newChats = [.. _newChats.ToTimes()];
        }

        return new RateLimiterState(chats) { NewChats = newChats };
    }

    /// <inheritdoc />
    public void RestoreState(RateLimiterState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var window in state.Chats)
        {
            var counters = _chats.GetOrAdd(window.Chat, static c => new ChatCounters(c));
            while (counters.MergedInto is { } merged)
            {
                counters = merged;
            }

            lock (counters.Gate)
            {
                counters.Hourly.Expire(long.MaxValue);
                foreach (var sent in window.Sends)
                {
                    counters.Hourly.Add(sent.UtcTicks);
                }

                SetConsecutive(counters, Math.Max(0, window.Consecutive));
            }
        }

        if (state.NewChats is { } newChats)
        {
            lock (_newChats)
            {
                _newChats.Expire(long.MaxValue);
                foreach (var at in newChats)
                {
                    _newChats.Add(at.UtcTicks);
                }
            }
        }
    }
}
