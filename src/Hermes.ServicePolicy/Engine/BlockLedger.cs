using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// What the policy remembers of blocked inbound messages (docs/behaviour.md#audit-events, <c>inbound_blocked</c>): per
/// (chat, reason) pair the time of its last event and the blocks since, per chat the latest block (for listings), and
/// the blocks over the hourly cap of events, per reason, until their roll-up is written. The first block of a pair is
/// an event, then at most one an hour per pair carrying the count since the last; at most
/// <see cref="MaxEventsPerHour"/> such events in a UTC clock hour in all.
/// </summary>
internal sealed class BlockLedger
{
    /// <summary>The most <c>inbound_blocked</c> events written in one UTC clock hour, roll-ups included.</summary>
    public const int MaxEventsPerHour = 600;

    /// <summary>How long a block keeps a chat listed (and an agent's first contact to it a draft).</summary>
    public static readonly TimeSpan ListingWindow = TimeSpan.FromDays(7);

    private static readonly TimeSpan AuditInterval = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(ChatId Chat, ReasonCode Reason), Tracker> _trackers = new();
    private readonly ConcurrentDictionary<ChatId, long> _lastBlockedTicks = new();
    private readonly Dictionary<ReasonCode, int> _capped = []; // blocks over the cap, per reason, for _cappedHour
    private long _cappedHour;
    private int _cappedTotal;
    private long _eventHour; // the UTC hour _eventsInHour counts; kept by Apply, so a restart rebuilds both
    private int _eventsInHour;

    public static long HourOf(DateTimeOffset time) => time.UtcTicks / TimeSpan.TicksPerHour;

    public IEnumerable<KeyValuePair<ChatId, long>> LastBlocked => _lastBlockedTicks;

    /// <summary>Whether blocks over the cap wait for a roll-up of an hour before <paramref name="hour"/>.</summary>
    public bool RollupDue(long hour) => Volatile.Read(ref _cappedTotal) > 0 && hour > Volatile.Read(ref _cappedHour);

    public bool HasCapped => Volatile.Read(ref _cappedTotal) > 0;

    /// <summary>Events already written in <paramref name="hour"/>.</summary>
    public int EventsIn(long hour) => hour == _eventHour ? _eventsInHour : 0;

    public bool IsRecentlyBlocked(ChatId chat, ChatId alias, DateTimeOffset now)
        => IsRecent(chat, now) || (!alias.IsEmpty && IsRecent(alias, now));

    private bool IsRecent(ChatId chat, DateTimeOffset now)
        => _lastBlockedTicks.TryGetValue(chat, out var ticks) && now.UtcTicks - ticks < ListingWindow.Ticks;

    /// <summary>
    /// Counts a block within the hour after its pair's last event: no write, the count goes into the next event.
    /// True when suppressed. Returns the pair's count so far otherwise (for the event that is due).
    /// </summary>
    public bool TrySuppress(ChatId primary, ReasonCode reason, DateTimeOffset now)
    {
        if (!_trackers.TryGetValue((primary, reason), out var tracker))
        {
            return false;
        }

        lock (tracker)
        {
            if (tracker.LastAuditTicks == 0 || now.UtcTicks - tracker.LastAuditTicks >= AuditInterval.Ticks)
            {
                return false;
            }

            tracker.Suppressed++;
        }

        Mark(primary, now);
        return true;
    }

    /// <summary>The count the next event of the pair carries: the blocks since its last event, this one included.</summary>
    public int NextCount(ChatId primary, ReasonCode reason)
    {
        if (!_trackers.TryGetValue((primary, reason), out var tracker))
        {
            return 1;
        }

        lock (tracker)
        {
            return tracker.Suppressed + 1;
        }
    }

    public void Mark(ChatId primary, DateTimeOffset now) => _lastBlockedTicks[primary] = now.UtcTicks;

    /// <summary>
    /// Records a block of <paramref name="primary"/> at <paramref name="now"/> and adds the events it writes: the due
    /// roll-ups, then an <c>inbound_blocked</c> event unless the pair is suppressed or the hour's cap is reached (then
    /// the block is counted for the roll-up). Returns the roll-ups taken, for <see cref="ClearRollups"/> once committed.
    /// </summary>
    public Dictionary<ReasonCode, int>? Block(ChatId primary, ReasonCode reason, DateTimeOffset now, List<PolicyEvent> events, string actor)
    {
        var hour = HourOf(now);
        var rolledUp = RollupDue(hour) ? TakeRollups(events, now, actor) : null;
        if (TrySuppress(primary, reason, now))
        {
            return rolledUp;
        }

        if (EventsIn(hour) + events.Count >= MaxEventsPerHour)
        {
            CountCapped(primary, reason, now); // over the cap: counted for this hour's roll-up, still marked
        }
        else
        {
            events.Add(new PolicyEvent { Type = PolicyEventType.InboundBlocked, Timestamp = now, Chat = primary, Actor = actor, Reason = reason, Count = NextCount(primary, reason) });
        }

        return rolledUp;
    }

    /// <summary>Counts a block over the hourly cap toward its reason's roll-up.</summary>
    public void CountCapped(ChatId primary, ReasonCode reason, DateTimeOffset now)
    {
        lock (_capped)
        {
            _capped[reason] = _capped.GetValueOrDefault(reason) + 1;
        }

        Volatile.Write(ref _cappedHour, HourOf(now));
        Interlocked.Increment(ref _cappedTotal);
        Mark(primary, now);
    }

    /// <summary>One roll-up event per reason for the capped hour, and the counts they carry (for <see cref="ClearRollups"/>).</summary>
    public Dictionary<ReasonCode, int> TakeRollups(List<PolicyEvent> events, DateTimeOffset now, string actor)
    {
        var hourStart = new DateTimeOffset(Volatile.Read(ref _cappedHour) * TimeSpan.TicksPerHour, TimeSpan.Zero);
        Dictionary<ReasonCode, int> taken;
        lock (_capped)
        {
            taken = new Dictionary<ReasonCode, int>(_capped);
        }

        foreach (var (reason, count) in taken)
        {
            events.Add(new PolicyEvent
            {
                Type = PolicyEventType.InboundBlocked,
                Timestamp = now,
                Actor = actor,
                Reason = reason,
                Count = count,
                Detail = string.Create(CultureInfo.InvariantCulture, $"roll-up: blocks over the cap of {MaxEventsPerHour} inbound_blocked events in the hour from {hourStart:yyyy-MM-ddTHH:mm:ssZ}"),
            });
        }

        return taken;
    }

    /// <summary>Subtracts exactly what committed roll-ups carried: a block capped in the meantime stays counted.</summary>
    public void ClearRollups(Dictionary<ReasonCode, int> rolledUp)
    {
        var total = 0;
        lock (_capped)
        {
            foreach (var (reason, count) in rolledUp)
            {
                total += count;
                var left = _capped.GetValueOrDefault(reason) - count;
                if (left > 0)
                {
                    _capped[reason] = left;
                }
                else
                {
                    _capped.Remove(reason);
                }
            }
        }

        Interlocked.Add(ref _cappedTotal, -total);
    }

    /// <summary>Applies a committed <c>inbound_blocked</c> event (live and on replay).</summary>
    public void Apply(PolicyEvent e, bool replaying)
    {
        var hour = HourOf(e.Timestamp);
        if (hour > _eventHour)
        {
            _eventHour = hour;
            _eventsInHour = 1;
        }
        else if (hour == _eventHour)
        {
            _eventsInHour++;
        }

        if (e.Chat.IsEmpty)
        {
            // A roll-up of blocks over the hourly cap: no chat, no tracker. Live, ClearRollups takes its count off; on
            // replay it takes off what an earlier counters record restored.
            if (replaying)
            {
                lock (_capped)
                {
                    var left = _capped.GetValueOrDefault(e.Reason);
                    var taken = Math.Min(left, e.Count);
                    if (left - taken == 0)
                    {
                        _capped.Remove(e.Reason);
                    }
                    else
                    {
                        _capped[e.Reason] = left - taken;
                    }

                    _cappedTotal -= taken;
                }
            }

            return;
        }

        var tracker = _trackers.GetOrAdd((e.Chat, e.Reason), static _ => new Tracker());
        lock (tracker)
        {
            tracker.LastAuditTicks = e.Timestamp.UtcTicks;
            tracker.Suppressed = 0;
        }

        _lastBlockedTicks.AddOrUpdate(e.Chat, e.Timestamp.UtcTicks, (_, old) => Math.Max(old, e.Timestamp.UtcTicks));
    }

    /// <summary>
    /// Forgets what no rule needs any more: pairs whose last event is over an hour old with nothing counted since (the
    /// next block of the pair writes an event either way) and blocks older than <see cref="ListingWindow"/>, so
    /// strangers cannot grow memory without bound. Returns how many entries were dropped.
    /// </summary>
    public int Prune(DateTimeOffset now)
    {
        var dropped = 0;
        foreach (var (key, tracker) in _trackers)
        {
            bool idle;
            lock (tracker)
            {
                idle = tracker.Suppressed == 0 && now.UtcTicks - tracker.LastAuditTicks >= AuditInterval.Ticks;
            }

            if (idle && _trackers.TryRemove(key, out _))
            {
                dropped++;
            }
        }

        foreach (var (chat, ticks) in _lastBlockedTicks)
        {
            if (now.UtcTicks - ticks >= ListingWindow.Ticks && _lastBlockedTicks.TryRemove(new KeyValuePair<ChatId, long>(chat, ticks)))
            {
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Gets how many (chat, reason) pairs and blocked chats are remembered (for tests and diagnostics).</summary>
    public (int Pairs, int Chats) Size => (_trackers.Count, _lastBlockedTicks.Count);

    /// <summary>The suppressed counts and capped blocks, for a checkpoint.</summary>
    public (List<BlockCount> Suppressed, List<CappedBlockCount> Capped) Capture(DateTimeOffset now)
    {
        var suppressed = new List<BlockCount>();
        foreach (var ((chat, reason), tracker) in _trackers)
        {
            int count;
            lock (tracker)
            {
                count = tracker.Suppressed;
            }

            if (count > 0)
            {
                var last = _lastBlockedTicks.TryGetValue(chat, out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : now;
                suppressed.Add(new BlockCount(chat, reason, count, last));
            }
        }

        var capped = new List<CappedBlockCount>();
        var hourStart = new DateTimeOffset(Volatile.Read(ref _cappedHour) * TimeSpan.TicksPerHour, TimeSpan.Zero);
        lock (_capped)
        {
            foreach (var (reason, count) in _capped)
            {
                capped.Add(new CappedBlockCount(hourStart, reason, count));
            }
        }

        return (suppressed, capped);
    }

    /// <summary>Restores counted blocks from a counters record (replacing what an earlier one restored) or a previous release's checkpoint.</summary>
    public void Restore(IReadOnlyList<BlockCount> suppressed, IReadOnlyList<CappedBlockCount> capped)
    {
        lock (_capped)
        {
            _capped.Clear();
            _cappedTotal = 0;
        }

        foreach (var block in suppressed)
        {
            var tracker = _trackers.GetOrAdd((block.Chat, block.Reason), static _ => new Tracker());
            lock (tracker)
            {
                tracker.Suppressed = block.Suppressed;
            }

            _lastBlockedTicks.AddOrUpdate(block.Chat, block.LastBlockedAt.UtcTicks, (_, old) => Math.Max(old, block.LastBlockedAt.UtcTicks));
        }

        foreach (var block in capped)
        {
            _capped[block.Reason] = _capped.GetValueOrDefault(block.Reason) + block.Count;
            _cappedHour = Math.Max(_cappedHour, HourOf(block.Hour));
            _cappedTotal += block.Count;
        }
    }

    /// <summary>Everything the ledger knows, for a snapshot.</summary>
    public BlockLedgerState Export()
    {
        var trackers = new List<(ChatId, ReasonCode, long, int)>();
        foreach (var ((chat, reason), tracker) in _trackers)
        {
            lock (tracker)
            {
                trackers.Add((chat, reason, tracker.LastAuditTicks, tracker.Suppressed));
            }
        }

        lock (_capped)
        {
            return new BlockLedgerState(trackers, [.. _lastBlockedTicks], [.. _capped], Volatile.Read(ref _cappedHour), _eventHour, _eventsInHour);
        }
    }

    /// <summary>Restores a snapshot's ledger, into an empty one, before any decision.</summary>
    public void Import(BlockLedgerState state)
    {
        foreach (var (chat, reason, lastAudit, suppressed) in state.Trackers)
        {
            _trackers[(chat, reason)] = new Tracker { LastAuditTicks = lastAudit, Suppressed = suppressed };
        }

        foreach (var (chat, ticks) in state.LastBlocked)
        {
            _lastBlockedTicks[chat] = ticks;
        }

        foreach (var (reason, count) in state.Capped)
        {
            _capped[reason] = count;
            _cappedTotal += count;
        }

        (_cappedHour, _eventHour, _eventsInHour) = (state.CappedHour, state.EventHour, state.EventsInHour);
    }

    private sealed class Tracker
    {
        public long LastAuditTicks;
        public int Suppressed;
    }
}

/// <summary>A <see cref="BlockLedger"/>'s whole state, for a snapshot.</summary>
internal sealed record BlockLedgerState(
    List<(ChatId Chat, ReasonCode Reason, long LastAuditTicks, int Suppressed)> Trackers,
    List<KeyValuePair<ChatId, long>> LastBlocked,
    List<KeyValuePair<ReasonCode, int>> Capped,
    long CappedHour,
    long EventHour,
    int EventsInHour);
