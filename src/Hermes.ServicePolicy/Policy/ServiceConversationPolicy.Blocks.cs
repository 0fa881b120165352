using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Blocked inbound messages are audited without letting strangers grow the log (docs/behaviour.md#audit-events,
/// <c>inbound_blocked</c>); the counting lives in <see cref="BlockLedger"/>, the writing here.
/// </summary>
public sealed partial class ServiceConversationPolicy
{
    private async ValueTask<InboundDecision> BlockAsync(ChatId chat, ReasonCode reason, CancellationToken cancellationToken)
    {
        if (!TryNow(out var now, out var clockError))
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, chat, clockError);
        }

        var primary = _state.PrimaryOf(chat);
        if (!_state.Blocks.RollupDue(BlockLedger.HourOf(now)) && _state.Blocks.TrySuppress(primary, reason, now))
        {
            _checkpoints.MarkDue();
            return InboundDecision.Blocked(reason, primary);
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BlockInsideGateAsync(primary, reason, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _journal.Exit();
        }
    }

    private async ValueTask<InboundDecision> BlockInsideGateAsync(ChatId primary, ReasonCode reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var blocks = _state.Blocks;
        var hour = BlockLedger.HourOf(now);
        var events = new List<PolicyEvent>(2);
        var rolledUp = blocks.RollupDue(hour) ? blocks.TakeRollups(events, now, SystemActor) : null;
        _checkpoints.MarkDue();
        if (!blocks.TrySuppress(primary, reason, now))
        {
            if (blocks.EventsIn(hour) + events.Count >= MaxInboundBlockedEventsPerHour)
            {
                blocks.CountCapped(primary, reason, now); // over the cap: counted for this hour's roll-up, still marked
            }
            else
            {
                events.Add(new PolicyEvent { Type = PolicyEventType.InboundBlocked, Timestamp = now, Chat = primary, Actor = SystemActor, Reason = reason, Count = blocks.NextCount(primary, reason) });
            }
        }

        if (events.Count > 0 && await _journal.CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, primary, error);
        }

        if (rolledUp is not null)
        {
            blocks.ClearRollups(rolledUp);
        }

        return InboundDecision.Blocked(reason, primary);
    }

    /// <summary>Writes the roll-ups of a past hour (the sweep) or of any hour (<paramref name="all"/>: clean shutdown). Inside the gate.</summary>
    private async ValueTask<Exception?> FlushRollupsAsync(DateTimeOffset now, bool all, CancellationToken cancellationToken)
    {
        var blocks = _state.Blocks;
        if (!blocks.HasCapped || (!all && !blocks.RollupDue(BlockLedger.HourOf(now))))
        {
            return null;
        }

        var events = new List<PolicyEvent>();
        var rolledUp = blocks.TakeRollups(events, now, SystemActor);
        var error = await _journal.CommitAsync([.. events], cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            blocks.ClearRollups(rolledUp);
            _checkpoints.MarkDue();
        }

        return error;
    }

    // A clean shutdown writes the roll-up of blocks over the hourly cap, whatever the hour.
    private async ValueTask FlushRollupsAtShutdownAsync()
    {
        await _journal.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (TryNow(out var now, out _) && await FlushRollupsAsync(now, all: true, CancellationToken.None).ConfigureAwait(false) is { } error)
            {
                Report("shutdown_rollup", error); // the counts stay in the checkpoint and are written after the restart
            }
        }
        finally
        {
            _journal.Exit();
        }
    }
}
