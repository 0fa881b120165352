using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The sweep (docs/behaviour.md, "Drafts" and "Sending"): pending drafts past their time expire, unreported sends past
/// <c>send_confirmation_minutes</c> close <c>not_confirmed</c>, the roll-up of blocked messages of a past hour is
/// written, and then the bookkeeping kept beside the state (closed sends, handles, block trackers, decided drafts,
/// idle rate-limit counters) is pruned and <c>audit_retention_days</c> applied.
/// </summary>
internal sealed class Maintenance
{
    private readonly PolicyCore _core;
    private readonly BlockLedger _blocks;

    public Maintenance(PolicyCore core)
    {
        _core = core;
        _blocks = core.State.Blocks;
    }

    public ValueTask<SweepResult> SweepAsync(CancellationToken cancellationToken)
        => _core.Work.RunAsync(
            this,
            static (scope, m, ct) => m.SweepInsideAsync(scope, ct),
            static (_, error) => throw new InvalidOperationException("The clock failed; nothing was swept.", error),
            cancellationToken);

    private async ValueTask<SweepResult> SweepInsideAsync(ChangeScope scope, CancellationToken cancellationToken)
    {
        var (state, now) = (_core.State, scope.Now);
        var events = new List<PolicyEvent>();
        foreach (var draft in state.Drafts.Values)
        {
            if (draft.State == DraftState.Pending && now >= draft.ExpiresAt)
            {
                events.Add(DraftRules.Expiry(draft, state.PrimaryOf(draft.Chat), now));
            }
        }

        var draftsExpired = events.Count;
        foreach (var pending in state.Sends.Open())
        {
            if (now >= pending.ConfirmBy)
            {
                events.Add(SendRules.Close(state, pending, SendOutcome.Unknown, null, null, ReasonCode.NotConfirmed, now));
            }
        }

        if (events.Count > 0 && await scope.CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
        {
            throw new InvalidOperationException("The state store failed; nothing was swept.", error);
        }

        if (await FlushRollupsAsync(scope, all: false, cancellationToken).ConfigureAwait(false) is { } rollupError)
        {
            throw new InvalidOperationException("The state store failed; the roll-up of blocked messages was not written.", rollupError);
        }

        // Bookkeeping beside the state (docs/architecture.md): memory of what is over, never a decision's input.
        state.Sends.PruneClosed(now);
        state.Handles.Prune(now);
        state.Blocks.Prune(now);
        state.Decided.Prune(now);
        _core.LimiterState.PruneIdle(now);
        state.AgentSends.Prune(now);
        return new SweepResult(draftsExpired, events.Count - draftsExpired) { EventsPruned = await PruneHistoryAsync(scope, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>A clean shutdown writes the roll-up of blocks over the hourly cap, whatever the hour.</summary>
    public async ValueTask FlushRollupsAtShutdownAsync()
    {
        var error = await _core.Work.RunAsync(
            this,
            static (scope, m, ct) => m.FlushRollupsAsync(scope, all: true, ct),
            static (_, _) => null, // the clock failed (reported): the counts stay in the checkpoint and are written after the restart
            CancellationToken.None).ConfigureAwait(false);
        if (error is not null)
        {
            _core.Report("shutdown_rollup", error);
        }
    }

    /// <summary>
    /// Writes the roll-ups of blocked messages over the hourly cap (<see cref="BlockLedger"/>; the inbound gate counts
    /// them): those of a past hour (the sweep), or of any hour (<paramref name="all"/>: clean shutdown). Inside the gate.
    /// </summary>
    private async ValueTask<Exception?> FlushRollupsAsync(ChangeScope scope, bool all, CancellationToken cancellationToken)
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

    /// <summary>Applies <c>audit_retention_days</c>: the store drops whole stretches of history older than it that its snapshots no longer need.</summary>
    private async ValueTask<long> PruneHistoryAsync(ChangeScope scope, CancellationToken cancellationToken)
    {
        if (scope.Configuration.AuditRetention is not { } retention)
        {
            return 0;
        }

        var pruned = await _core.Store.PruneHistoryAsync(PolicyClock.AddClamped(scope.Now, -retention), cancellationToken).ConfigureAwait(false);
        return pruned.Events;
    }
}
