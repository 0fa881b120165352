using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The agent's recent permits, for the pacing rules (docs/behaviour.md#agent-pacing): when each chat last got one
/// (<c>min_seconds_between_agent_sends</c>), how many the account got in the last 24 hours
/// (<c>max_agent_sends_per_day</c>) and the fingerprints of the texts each chat got within <c>duplicate_send_minutes</c>.
/// A fingerprint per permit, never the text, and nothing older than a day: memory follows the agent's sends.
/// </summary>
/// <remarks>
/// <para>
/// Kept while <see cref="PolicyConfiguration.TracksAgentSends"/> (<see cref="Tracking"/>). Live, a permit is recorded
/// where it is issued, checked and counted in one step under one lock (<see cref="TryRecord"/>), so concurrent decisions
/// never overshoot a cap; a permit whose event then fails to commit is released. A replay (a restart, another process's
/// events with a shared store) records the permits it reads, so every process counts the same permits.
/// </para>
/// <para>
/// The daily count walks a ring in the order permits were recorded; a permit the log only knows by its report is
/// recorded at the time the report says it was permitted. Failed sends stay in the ring (marked) until they age out.
/// </para>
/// </remarks>
internal sealed partial class AgentSends
{
    /// <summary>The window of <c>max_agent_sends_per_day</c>, and the longest any permit is kept.</summary>
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly object _lock = new();
    private readonly Dictionary<ChatId, AgentChatSends> _chats = [];
    private Entry[] _ring = new Entry[64];
    private int _head;
    private int _count;
    private int _failed;
    private volatile bool _tracking = ServiceConversationOptionsValidator.Defaults.TracksAgentSends;
    private long _window = ServiceConversationOptionsValidator.Defaults.DuplicateWindow.Ticks;

    /// <summary>Gets whether permits are kept (a pacing key is on). Off, nothing is recorded and the rules pass.</summary>
    public bool Tracking => _tracking;

    /// <summary>
    /// Follows the configuration in force: permits are kept while a pacing key is on. Turned off, what was kept is
    /// forgotten, so turning a key on later counts from then (a restart counts the log's last day again).
    /// </summary>
    public void Configure(PolicyConfiguration configuration)
    {
        lock (_lock)
        {
            _tracking = configuration.TracksAgentSends;
            _window = configuration.DuplicateWindow.Ticks;
            if (!_tracking)
            {
                _chats.Clear();
                Array.Clear(_ring);
                (_head, _count, _failed) = (0, 0, 0);
            }
        }
    }

    /// <summary>Gets how many permits are kept (tests, the memory bound).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>The rest of the gap since the chat's previous agent permit, or zero when the gap has passed.</summary>
    public TimeSpan UntilGapEnds(ChatId chat, DateTimeOffset now, TimeSpan gap)
    {
        lock (_lock)
        {
            return Gap(chat, now.UtcTicks, gap.Ticks);
        }
    }

    /// <summary>When the daily cap is reached: the time until the oldest counted permit leaves the window; otherwise zero.</summary>
    public TimeSpan UntilDailyFrees(DateTimeOffset now, int limit)
    {
        lock (_lock)
        {
            return Daily(now.UtcTicks, limit);
        }
    }

    /// <summary>The agent's permits counted in the day before <paramref name="now"/> (failed ones not), and when the oldest leaves it.</summary>
    public (int Count, DateTimeOffset? OldestLeavesAt) DailyUsage(DateTimeOffset now)
    {
        lock (_lock)
        {
            DropOlderThan(now.UtcTicks - Day.Ticks);
            return OldestCounted() is { } oldest ? (_count - _failed, new DateTimeOffset(oldest + Day.Ticks, TimeSpan.Zero)) : (0, null);
        }
    }

    /// <summary>When the text was permitted to the chat within the window: the time until that permit leaves it; otherwise zero.</summary>
    public TimeSpan UntilDuplicateLeaves(ChatId chat, ulong fingerprint, DateTimeOffset now, TimeSpan window)
    {
        lock (_lock)
        {
            return Duplicate(chat, fingerprint, now.UtcTicks, window.Ticks);
        }
    }

    /// <summary>
    /// Checks the three pacing rules for an agent send (spacing, the daily cap, duplicates, in that order) and, when they
    /// pass, records the permit: one step, so two concurrent decisions cannot both take the last place.
    /// </summary>
    public bool TryRecord(ChatId chat, SendId send, DateTimeOffset now, ulong fingerprint, PolicyConfiguration configuration, out ReasonCode reason, out TimeSpan retryAfter)
    {
        reason = ReasonCode.None;
        retryAfter = TimeSpan.Zero;
        if (!_tracking)
        {
            return true;
        }

        var ticks = now.UtcTicks;
        lock (_lock)
        {
            if (configuration.AgentSendGap > TimeSpan.Zero && Gap(chat, ticks, configuration.AgentSendGap.Ticks) is { Ticks: > 0 } gap)
            {
                (reason, retryAfter) = (ReasonCode.TooSoon, gap);
            }
            else if (configuration.MaxAgentSendsPerDay > 0 && Daily(ticks, configuration.MaxAgentSendsPerDay) is { Ticks: > 0 } daily)
            {
                (reason, retryAfter) = (ReasonCode.DailySendLimit, daily);
            }
            else if (configuration.DuplicateWindow > TimeSpan.Zero && Duplicate(chat, fingerprint, ticks, configuration.DuplicateWindow.Ticks) is { Ticks: > 0 } duplicate)
            {
                (reason, retryAfter) = (ReasonCode.DuplicateSend, duplicate);
            }
            else
            {
                Add(chat, send, ticks, fingerprint, configuration.DuplicateWindow.Ticks);
                return true;
            }
        }

        return false;
    }

    /// <summary>Records a permit without checking (an approval of the agent's draft, a replayed permit).</summary>
    public void Record(ChatId chat, SendId send, DateTimeOffset at, ulong fingerprint)
    {
        if (!_tracking)
        {
            return;
        }

        lock (_lock)
        {
            Add(chat, send, at.UtcTicks, fingerprint, _window);
        }
    }

    /// <summary>Forgets a permit whose event was never written (it did not happen).</summary>
    public void Release(SendId send) => Mark(send, remove: true);

    /// <summary>A send failed: it no longer counts toward the daily cap nor blocks its text (the gap still counts).</summary>
    public void Fail(SendId send) => Mark(send, remove: false);

    /// <summary>Counts the sends of <paramref name="linked"/> as <paramref name="primary"/>'s: the two identities became one chat.</summary>
    public void Merge(ChatId linked, ChatId primary)
    {
        lock (_lock)
        {
            if (linked == primary || !_chats.Remove(linked, out var from))
            {
                return;
            }

            var into = ChatOf(primary);
            into.LastTicks = Math.Max(into.LastTicks, from.LastTicks);
            for (var i = 0; i < from.Count; i++)
            {
                into.Add(from.Texts[i]);
            }

            for (var i = 0; i < _count; i++)
            {
                ref var entry = ref _ring[(_head + i) % _ring.Length];
                if (entry.Chat == linked)
                {
                    entry.Chat = primary;
                }
            }
        }
    }

    /// <summary>Forgets permits older than a day and chats with nothing left (the sweep). Returns how many chats were forgotten.</summary>
    public int Prune(DateTimeOffset now)
    {
        lock (_lock)
        {
            var dayAgo = now.UtcTicks - Day.Ticks;
            DropOlderThan(dayAgo);
            List<ChatId>? idle = null;
            foreach (var (chat, sends) in _chats)
            {
                sends.DropOlderThan(dayAgo);
                if (sends.Count == 0 && sends.LastTicks <= dayAgo)
                {
                    (idle ??= []).Add(chat);
                }
            }

            foreach (var chat in idle ?? [])
            {
                _chats.Remove(chat);
            }

            return idle?.Count ?? 0;
        }
    }

    private TimeSpan Gap(ChatId chat, long now, long gap)
        => _chats.TryGetValue(chat, out var sends) && sends.LastTicks + gap > now ? TimeSpan.FromTicks(sends.LastTicks + gap - now) : TimeSpan.Zero;

    private TimeSpan Daily(long now, int limit)
    {
        DropOlderThan(now - Day.Ticks);
        if (_count - _failed < limit)
        {
            return TimeSpan.Zero;
        }

        return OldestCounted() is { } oldest ? TimeSpan.FromTicks(Math.Max(oldest + Day.Ticks - now, 1)) : TimeSpan.Zero;
    }

    /// <summary>When the oldest permit the daily cap counts (a failed one is not counted) was recorded, or null when none is.</summary>
    private long? OldestCounted()
    {
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _ring[(_head + i) % _ring.Length];
            if (!entry.Failed)
            {
                return entry.Ticks;
            }
        }

        return null;
    }

    private TimeSpan Duplicate(ChatId chat, ulong fingerprint, long now, long window)
    {
        if (fingerprint == 0 || !_chats.TryGetValue(chat, out var sends))
        {
            return TimeSpan.Zero;
        }

        var latest = long.MinValue;
        for (var i = 0; i < sends.Count; i++)
        {
            var text = sends.Texts[i];
            if (text.Fingerprint == fingerprint && text.Ticks + window > now)
            {
                latest = Math.Max(latest, text.Ticks);
            }
        }

        return latest == long.MinValue ? TimeSpan.Zero : TimeSpan.FromTicks(latest + window - now);
    }

    private void Add(ChatId chat, SendId send, long ticks, ulong fingerprint, long duplicateWindow)
    {
        if (_count == _ring.Length)
        {
            var grown = new Entry[_ring.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _ring[(_head + i) % _ring.Length];
            }

            (_ring, _head) = (grown, 0);
        }

        _ring[(_head + _count) % _ring.Length] = new Entry { Chat = chat, Send = send, Ticks = ticks, Fingerprint = fingerprint };
        _count++;
        var sends = ChatOf(chat);
        sends.LastTicks = Math.Max(sends.LastTicks, ticks);
        if (fingerprint != 0 && duplicateWindow > 0)
        {
            sends.DropOlderThan(ticks - duplicateWindow); // only the window's fingerprints are kept
            sends.Add(new SentText(fingerprint, ticks, send));
        }
    }

    private AgentChatSends ChatOf(ChatId chat)
    {
        if (!_chats.TryGetValue(chat, out var sends))
        {
            _chats[chat] = sends = new AgentChatSends();
        }

        return sends;
    }

    private void DropOlderThan(long ticks)
    {
        while (_count > 0 && _ring[_head].Ticks <= ticks)
        {
            if (_ring[_head].Failed)
            {
                _failed--;
            }

            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
        }
    }

    private void Mark(SendId send, bool remove)
    {
        lock (_lock)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                ref var entry = ref _ring[(_head + i) % _ring.Length];
                if (entry.Send != send)
                {
                    continue;
                }

                if (_chats.TryGetValue(entry.Chat, out var sends))
                {
                    sends.Remove(send);
                }

                if (!entry.Failed)
                {
                    entry.Failed = true;
                    _failed++;
                }

                if (remove)
                {
                    // Never happened: not counted again (the ring drops it when it reaches the head), and the chat's
                    // gap runs from its previous permit.
                    entry.Ticks = long.MinValue;
                    if (sends is not null)
                    {
                        sends.LastTicks = LatestOf(entry.Chat);
                    }
                }

                return;
            }
        }
    }

    private long LatestOf(ChatId chat)
    {
        var latest = long.MinValue;
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _ring[(_head + i) % _ring.Length];
            if (entry.Chat == chat)
            {
                latest = Math.Max(latest, entry.Ticks);
            }
        }

        return latest;
    }

    private struct Entry
    {
        public long Ticks;
        public SendId Send;
        public ChatId Chat;
        public ulong Fingerprint;
        public bool Failed;
    }
}

/// <summary>One kept agent permit, as a snapshot stores it.</summary>
internal readonly record struct AgentSend(ChatId Chat, SendId Send, DateTimeOffset At, ulong Fingerprint, bool Failed);
