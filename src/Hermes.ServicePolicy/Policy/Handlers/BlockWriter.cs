using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Blocked inbound messages are audited without letting strangers grow the log (docs/behaviour.md#audit-events,
/// <c>inbound_blocked</c>): the counting lives in <see cref="BlockLedger"/> (batched bookkeeping, saved with the
/// counters), the writing here.
/// </summary>
internal sealed class BlockWriter
{
    private readonly PolicyCore _core;
    private readonly BlockLedger _blocks;

    public BlockWriter(PolicyCore core)
    {
        _core = core;
        _blocks = core.State.Blocks;
    }

    /// <summary>Blocks a message; while its event is suppressed, without the gate.</summary>
    public ValueTask<InboundDecision> BlockAsync(ChatId chat, ReasonCode reason, CancellationToken cancellationToken)
    {
        if (!_core.Work.TryNow(out var now, out var clockError))
        {
            return new(InboundDecision.Blocked(ReasonCode.PolicyUnavailable, chat, clockError));
        }

        var primary = _core.State.PrimaryOf(chat);
        if (!_blocks.RollupDue(BlockLedger.HourOf(now)) && _blocks.TrySuppress(primary, reason, now))
        {
            _core.Checkpoints.MarkDue();
            return new(InboundDecision.Blocked(reason, primary));
        }

        return _core.Work.RunAtAsync(now, (Writer: this, Chat: primary, Reason: reason), static (scope, a, ct) => a.Writer.BlockInsideAsync(scope, a.Chat, a.Reason, ct), cancellationToken);
    }

    /// <summary>Blocks a message inside the gate: an event unless suppressed or over the hourly cap (then counted for the roll-up).</summary>
    public async ValueTask<InboundDecision> BlockInsideAsync(ChangeScope scope, ChatId primary, ReasonCode reason, CancellationToken cancellationToken)
    {
        var now = scope.Now;
        var hour = BlockLedger.HourOf(now);
        var events = new List<PolicyEvent>(2);
        var rolledUp = _blocks.RollupDue(hour) ? _blocks.TakeRollups(events, now, ActorNames.SystemActor) : null;
        _core.Checkpoints.MarkDue();
        if (!_blocks.TrySuppress(primary, reason, now))
        {
            if (_blocks.EventsIn(hour) + events.Count >= BlockLedger.MaxEventsPerHour)
            {
                _blocks.CountCapped(primary, reason, now); // over the cap: counted for this hour's roll-up, still marked
            }
            else
            {
                events.Add(new PolicyEvent { Type = PolicyEventType.InboundBlocked, Timestamp = now, Chat = primary, Actor = ActorNames.SystemActor, Reason = reason, Count = _blocks.NextCount(primary, reason) });
            }
        }

        if (events.Count > 0 && await scope.CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, primary, error);
        }

        if (rolledUp is not null)
        {
            _blocks.ClearRollups(rolledUp);
        }

        return InboundDecision.Blocked(reason, primary);
    }

    /// <summary>Writes the roll-ups of a past hour (the sweep) or of any hour (<paramref name="all"/>: clean shutdown). Inside the gate.</summary>
    public async ValueTask<Exception?> FlushRollupsAsync(ChangeScope scope, bool all, CancellationToken cancellationToken)
    {
        if (!_blocks.HasCapped || (!all && !_blocks.RollupDue(BlockLedger.HourOf(scope.Now))))
        {
            return null;
        }

        var events = new List<PolicyEvent>();
        var rolledUp = _blocks.TakeRollups(events, scope.Now, ActorNames.SystemActor);
        var error = await scope.CommitAsync([.. events], cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            _blocks.ClearRollups(rolledUp);
            _core.Checkpoints.MarkDue();
        }

        return error;
    }

    /// <summary>A clean shutdown writes the roll-up of blocks over the hourly cap, whatever the hour.</summary>
    public async ValueTask FlushRollupsAtShutdownAsync()
    {
        var error = await _core.Work.RunAsync(
            this,
            static (scope, writer, ct) => writer.FlushRollupsAsync(scope, all: true, ct),
            static (_, _) => null, // the clock failed (reported): the counts stay in the checkpoint and are written after the restart
            CancellationToken.None).ConfigureAwait(false);
        if (error is not null)
        {
            _core.Report("shutdown_rollup", error);
        }
    }
}
