using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Send permits and their reports (docs/behaviour.md#sending). Concurrent confirmations are committed together: whoever
/// enters the gate first writes every confirmation queued so far in one append, so a burst of reports shares one write
/// (each is still durable before its call returns).
/// </summary>
internal sealed class SendConfirmations
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly ConcurrentQueue<QueuedConfirmation> _queue = new();

    public SendConfirmations(PolicyCore core)
    {
        _core = core;
        _state = core.State;
    }

    public ValueTask<OperatorResult> ConfirmAsync(SendId send, SendReport report, CancellationToken cancellationToken)
    {
        if (report.Outcome is not (SendOutcome.Delivered or SendOutcome.Failed or SendOutcome.Unknown))
        {
            throw new ArgumentException("A report is made with SendReport.Delivered, Failed or Unknown.", nameof(report));
        }

        return _core.Work.RetryAsync((Sends: this, Send: send, Report: report), static (a, ct) => a.Sends.ConfirmOnceAsync(a.Send, a.Report, ct), cancellationToken, catchUpWhenNotFound: true);
    }

    /// <summary>Confirms with the permit itself: a permit that is not exactly what was permitted answers <c>unknown_send</c>, unaudited.</summary>
    public ValueTask<OperatorResult> ConfirmAsync(in OutboundDecision permit, SendReport report, CancellationToken cancellationToken)
    {
        if (!permit.IsPermitted || (_state.Sends.TryGetOpen(permit.Send, out _) && !IsOpenAsPermitted(permit)))
        {
            return new(OperatorResult.Failed(ReasonCode.UnknownSend)); // not what was permitted: nothing to audit
        }

        return ConfirmAsync(permit.Send, report, cancellationToken);
    }

    public bool TryTake(in OutboundDecision permit)
        => permit.IsPermitted && IsOpenAsPermitted(permit) && _state.Sends.TryTake(permit.Send);

    public IReadOnlyList<PendingSendInfo> Pending()
    {
        var open = _state.Sends.Open();
        var infos = new List<PendingSendInfo>(open.Count);
        foreach (var pending in open)
        {
            infos.Add(new PendingSendInfo(pending.Id, _state.PrimaryOf(pending.Chat), pending.Text, pending.Session, pending.Initiator, pending.FirstContact, pending.Draft, pending.IssuedAt, pending.ConfirmBy));
        }

        return infos;
    }

    // The permit names exactly the open send's chat (under any alias), text and draft.
    private bool IsOpenAsPermitted(in OutboundDecision permit)
        => _state.Sends.TryGetOpen(permit.Send, out var pending) && pending is not null
            && _state.PrimaryOf(pending.Chat) == _state.PrimaryOf(permit.Chat)
            && string.Equals(pending.Text, permit.Text, StringComparison.Ordinal)
            && pending.Draft == permit.Draft;

    private async ValueTask<OperatorResult> ConfirmOnceAsync(SendId send, SendReport report, CancellationToken cancellationToken)
    {
        var queued = new QueuedConfirmation(send, report);
        _queue.Enqueue(queued);
        try
        {
            await _core.Work.RunAsync(
                (Sends: this, Queued: queued),
                static (scope, a, ct) => a.Queued.Result.Task.IsCompleted ? default : a.Sends.CommitQueuedAsync(scope, ct),
                static (a, error) => a.Sends.FailQueued(error),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (queued.TryWithdraw())
        {
            throw; // withdrawn before any batch took it: nothing happened
        }
        catch (OperationCanceledException)
        {
            // A batch took it already: its answer stands.
        }

        return await queued.Result.Task.ConfigureAwait(false);
    }

    // The clock failed: every queued confirmation is answered closed.
    private bool FailQueued(Exception error)
    {
        while (_queue.TryDequeue(out var failed))
        {
            if (failed.TryTake())
            {
                failed.Result.TrySetResult(OperatorResult.Failed(ReasonCode.PolicyUnavailable, error));
            }
        }

        return true;
    }

    // Inside the gate: decides every queued confirmation against the state and the batch so far, then one append.
    private async ValueTask<bool> CommitQueuedAsync(ChangeScope scope, CancellationToken cancellationToken)
    {
        var batch = new List<(QueuedConfirmation Confirmation, ReasonCode Reason)>();
        var events = new List<PolicyEvent>();
        var decided = new Dictionary<SendId, SendOutcome>();
        while (_queue.TryDequeue(out var next))
        {
            if (!next.TryTake())
            {
                continue; // withdrawn by a cancelled caller
            }

            ReasonCode reason;
            if (decided.TryGetValue(next.Send, out var earlier))
            {
                reason = earlier == next.Report.Outcome ? ReasonCode.None : ReasonCode.UnknownSend;
            }
            else
            {
                reason = SendRules.Confirm(_state, next.Send, next.Report, scope.Now, events);
                if (reason == ReasonCode.None)
                {
                    decided[next.Send] = next.Report.Outcome;
                }
            }

            batch.Add((next, reason));
        }

        var error = events.Count == 0 ? null : await scope.CommitAsync([.. events], cancellationToken).ConfigureAwait(false);
        foreach (var (confirmation, reason) in batch)
        {
            confirmation.Result.TrySetResult(error is not null && reason == ReasonCode.None
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : reason == ReasonCode.None ? OperatorResult.Success : OperatorResult.Failed(reason));
        }

        return true;
    }

    private sealed class QueuedConfirmation(SendId send, SendReport report)
    {
        private int _state; // 0 queued, 1 taken by a batch, 2 withdrawn

        public SendId Send { get; } = send;

        public SendReport Report { get; } = report;

        public TaskCompletionSource<OperatorResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
