using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// How blocked inbound messages are audited without letting strangers grow the log (docs/behaviour.md#audit-events,
/// <c>inbound_blocked</c>): the first block of a (chat, reason) pair is an event, then at most one an hour per pair
/// carrying the count since the last; and at most 600 such events in a UTC clock hour in all. Past that, blocks are
/// counted per reason and written as one roll-up event per reason, without a chat, at the first block or sweep after
/// the hour, or at clean shutdown. Blocked marks (for listings) are kept in every case.
/// </summary>
public sealed partial class ServiceConversationPolicy
{
    /// <summary>The most <c>inbound_blocked</c> events written in one UTC clock hour, roll-ups included.</summary>
    public const int MaxInboundBlockedEventsPerHour = 600;

    private readonly Dictionary<ReasonCode, int> _cappedBlocks = []; // blocks over the cap, per reason, for _cappedHour; under the gate
    private long _cappedHour;
    private int _cappedTotal;
    private long _blockHour; // the UTC hour _blockEventsInHour counts; both kept by Apply, so a restart rebuilds them
    private int _blockEventsInHour;

    private static long HourOf(DateTimeOffset time) => time.UtcTicks / TimeSpan.TicksPerHour;

    private bool RollupDue(long hour) => Volatile.Read(ref _cappedTotal) > 0 && hour > Volatile.Read(ref _cappedHour);

    private async ValueTask<InboundDecision> BlockAsync(ChatId chat, ReasonCode reason, CancellationToken cancellationToken)
    {
        if (!TryNow(out var now, out var clockError))
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, chat, clockError);
        }

        var primary = _aliases.GetPrimary(chat);
        if (!RollupDue(HourOf(now)) && TrySuppressBlock(primary, reason, now))
        {
            return InboundDecision.Blocked(reason, primary);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BlockInsideGateAsync(primary, reason, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Counts a block that falls within the hour after the pair's last <c>inbound_blocked</c> event: no write, the
    /// count goes into the next event. True when suppressed.
    /// </summary>
    private bool TrySuppressBlock(ChatId primary, ReasonCode reason, DateTimeOffset now)
    {
        if (!_blocks.TryGetValue((primary, reason), out var tracker))
        {
            return false;
        }

        lock (tracker)
        {
            if (tracker.LastAuditTicks == 0 || now.UtcTicks - tracker.LastAuditTicks >= InboundBlockedAuditInterval.Ticks)
            {
                return false;
            }

            tracker.Suppressed++;
        }

        MarkBlocked(primary, now);
        return true;
    }

    private void MarkBlocked(ChatId primary, DateTimeOffset now)
    {
        _lastBlockedTicks[primary] = now.UtcTicks;
        _checkpointDue = true;
    }

    private async ValueTask<InboundDecision> BlockInsideGateAsync(ChatId primary, ReasonCode reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = HourOf(now);
        var events = new List<PolicyEvent>(2);
        var rolledUp = RollupDue(hour) ? TakeRollups(events, now) : [];
        if (TrySuppressBlock(primary, reason, now))
        {
            return await CommitBlocksAsync(events, rolledUp, primary, reason, cancellationToken).ConfigureAwait(false);
        }

        var written = hour == _blockHour ? _blockEventsInHour : 0;
        if (written + events.Count >= MaxInboundBlockedEventsPerHour)
        {
            // Over the cap: counted for this hour's roll-up, still marked as blocked for listings.
            lock (_cappedBlocks)
            {
                _cappedBlocks[reason] = _cappedBlocks.GetValueOrDefault(reason) + 1;
            }

            Volatile.Write(ref _cappedHour, hour);
            Interlocked.Increment(ref _cappedTotal);
            MarkBlocked(primary, now);
            return await CommitBlocksAsync(events, rolledUp, primary, reason, cancellationToken).ConfigureAwait(false);
        }

        var count = 1;
        if (_blocks.TryGetValue((primary, reason), out var tracker))
        {
            lock (tracker)
            {
                count = tracker.Suppressed + 1;
            }
        }

        events.Add(new PolicyEvent { Type = PolicyEventType.InboundBlocked, Timestamp = now, Chat = primary, Actor = SystemActor, Reason = reason, Count = count });
        return await CommitBlocksAsync(events, rolledUp, primary, reason, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<InboundDecision> CommitBlocksAsync(List<PolicyEvent> events, Dictionary<ReasonCode, int> rolledUp, ChatId primary, ReasonCode reason, CancellationToken cancellationToken)
    {
        if (events.Count > 0 && await CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, primary, error);
        }

        ClearRollups(rolledUp);
        return InboundDecision.Blocked(reason, primary);
    }

    /// <summary>Adds one roll-up event per reason for the capped hour to <paramref name="events"/>. Call it inside the gate.</summary>
    /// <returns>The counts the roll-ups carry, to subtract with <see cref="ClearRollups"/> once they are committed.</returns>
    private Dictionary<ReasonCode, int> TakeRollups(List<PolicyEvent> events, DateTimeOffset now)
    {
        var hourStart = new DateTimeOffset(Volatile.Read(ref _cappedHour) * TimeSpan.TicksPerHour, TimeSpan.Zero);
        Dictionary<ReasonCode, int> taken;
        lock (_cappedBlocks)
        {
            taken = new Dictionary<ReasonCode, int>(_cappedBlocks);
        }

        foreach (var (reason, count) in taken)
        {
            events.Add(new PolicyEvent
            {
                Type = PolicyEventType.InboundBlocked,
                Timestamp = now,
                Actor = SystemActor,
                Reason = reason,
                Count = count,
                Detail = string.Create(CultureInfo.InvariantCulture, $"roll-up: blocks over the cap of {MaxInboundBlockedEventsPerHour} inbound_blocked events in the hour from {hourStart:yyyy-MM-ddTHH:mm:ssZ}"),
            });
        }

        return taken;
    }

    // Subtracts exactly what the committed roll-ups carried: a block capped in the meantime stays counted.
    private void ClearRollups(Dictionary<ReasonCode, int> rolledUp)
    {
        if (rolledUp.Count == 0)
        {
            return;
        }

        var total = 0;
        lock (_cappedBlocks)
        {
            foreach (var (reason, count) in rolledUp)
            {
                total += count;
                var left = _cappedBlocks.GetValueOrDefault(reason) - count;
                if (left > 0)
                {
                    _cappedBlocks[reason] = left;
                }
                else
                {
                    _cappedBlocks.Remove(reason);
                }
            }
        }

        Interlocked.Add(ref _cappedTotal, -total);
        _checkpointDue = true;
    }

    /// <summary>Writes the roll-ups of a past hour (the sweep) or of any hour (<paramref name="all"/>: clean shutdown). Inside the gate.</summary>
    private async ValueTask<Exception?> FlushRollupsAsync(DateTimeOffset now, bool all, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _cappedTotal) == 0 || (!all && !RollupDue(HourOf(now))))
        {
            return null;
        }

        var events = new List<PolicyEvent>();
        var rolledUp = TakeRollups(events, now);
        var error = await CommitAsync([.. events], cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            ClearRollups(rolledUp);
        }

        return error;
    }

    // A clean shutdown writes the roll-up of blocks over the hourly cap, whatever the hour (docs/behaviour.md#audit-events).
    private async ValueTask FlushRollupsAtShutdownAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (TryNow(out var now, out _) && await FlushRollupsAsync(now, all: true, CancellationToken.None).ConfigureAwait(false) is { } error)
            {
                Report("shutdown_rollup", error); // the counts stay in the checkpoint and are written after the restart
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts an <c>inbound_blocked</c> event toward its hour's cap (live and on replay).</summary>
    private void CountBlockedEvent(PolicyEvent e)
    {
        var hour = HourOf(e.Timestamp);
        if (hour > _blockHour)
        {
            _blockHour = hour;
            _blockEventsInHour = 1;
        }
        else if (hour == _blockHour)
        {
            _blockEventsInHour++;
        }
    }

    private List<CappedBlockCount> CaptureCappedBlocks()
    {
        var capped = new List<CappedBlockCount>();
        var hourStart = new DateTimeOffset(Volatile.Read(ref _cappedHour) * TimeSpan.TicksPerHour, TimeSpan.Zero);
        lock (_cappedBlocks)
        {
            foreach (var (reason, count) in _cappedBlocks)
            {
                capped.Add(new CappedBlockCount(hourStart, reason, count));
            }
        }

        return capped;
    }

    private void RestoreCappedBlocks(IReadOnlyList<CappedBlockCount> capped)
    {
        foreach (var block in capped)
        {
            _cappedBlocks[block.Reason] = _cappedBlocks.GetValueOrDefault(block.Reason) + block.Count;
            _cappedHour = Math.Max(_cappedHour, HourOf(block.Hour));
            _cappedTotal += block.Count;
        }
    }

    private sealed class BlockTracker
    {
        public long LastAuditTicks;
        public int Suppressed;
    }
}
