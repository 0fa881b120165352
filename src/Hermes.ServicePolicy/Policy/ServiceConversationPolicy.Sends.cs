using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Send confirmations (docs/behaviour.md#sending). Concurrent confirmations are committed together: whoever enters the
/// gate first writes every confirmation queued so far in one append, so a burst of reports shares one write (each is
/// still durable before its call returns).
/// </summary>
public sealed partial class ServiceConversationPolicy
{
    private readonly ConcurrentQueue<QueuedConfirmation> _confirmations = new();

    /// <inheritdoc />
    public ValueTask<OperatorResult> ConfirmSendAsync(SendId send, SendReport report, CancellationToken cancellationToken = default)
        => _shared ? ConfirmSendSharedAsync(send, report, cancellationToken) : ConfirmSendOnceAsync(send, report, cancellationToken);

    private async ValueTask<OperatorResult> ConfirmSendOnceAsync(SendId send, SendReport report, CancellationToken cancellationToken = default)
    {
        if (report.Outcome is not (SendOutcome.Delivered or SendOutcome.Failed or SendOutcome.Unknown))
        {
            throw new ArgumentException("A report is made with SendReport.Delivered, Failed or Unknown.", nameof(report));
        }

        var queued = new QueuedConfirmation(send, report);
        _confirmations.Enqueue(queued);
        try
        {
            await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (queued.TryWithdraw())
        {
            throw; // withdrawn before any batch took it: nothing happened
        }
        catch (OperationCanceledException)
        {
            return await queued.Result.Task.ConfigureAwait(false); // a batch took it already: its answer stands
        }

        try
        {
            if (!queued.Result.Task.IsCompleted)
            {
                await CommitConfirmationsAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _journal.Exit();
        }

        return await queued.Result.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool TryTakePermit(in OutboundDecision permit)
        => permit.IsPermitted && IsOpenAsPermitted(permit) && _state.Sends.TryTake(permit.Send);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ConfirmSendAsync(OutboundDecision permit, SendReport report, CancellationToken cancellationToken = default)
    {
        if (!permit.IsPermitted || (_state.Sends.TryGetOpen(permit.Send, out _) && !IsOpenAsPermitted(permit)))
        {
            return new(OperatorResult.Failed(ReasonCode.UnknownSend)); // not what was permitted: nothing to audit
        }

        return ConfirmSendAsync(permit.Send, report, cancellationToken);
    }

    // The permit names exactly the open send's chat (under any alias), text and draft.
    private bool IsOpenAsPermitted(in OutboundDecision permit)
        => _state.Sends.TryGetOpen(permit.Send, out var pending) && pending is not null
            && _state.PrimaryOf(pending.Chat) == _state.PrimaryOf(permit.Chat)
            && string.Equals(pending.Text, permit.Text, StringComparison.Ordinal)
            && pending.Draft == permit.Draft;

    /// <inheritdoc />
    public IReadOnlyList<PendingSendInfo> GetPendingSends()
    {
        var open = _state.Sends.Open();
        var infos = new List<PendingSendInfo>(open.Count);
        foreach (var pending in open)
        {
            infos.Add(new PendingSendInfo(pending.Id, _state.PrimaryOf(pending.Chat), pending.Text, pending.Session, pending.Initiator, pending.FirstContact, pending.Draft, pending.IssuedAt, pending.ConfirmBy));
        }

        return infos;
    }

    // Inside the gate: decides every queued confirmation against the state and the batch so far, then one append.
    private async ValueTask CommitConfirmationsAsync(CancellationToken cancellationToken)
    {
        var batch = new List<(QueuedConfirmation Confirmation, ReasonCode Reason)>();
        var events = new List<PolicyEvent>();
        var decided = new Dictionary<SendId, SendOutcome>();
        if (!TryNow(out var now, out var clockError))
        {
            while (_confirmations.TryDequeue(out var failed))
            {
                if (failed.TryTake())
                {
                    failed.Result.TrySetResult(OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError));
                }
            }

            return;
        }

        while (_confirmations.TryDequeue(out var next))
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
                reason = SendRules.Confirm(_state, next.Send, next.Report, now, events);
                if (reason == ReasonCode.None)
                {
                    decided[next.Send] = next.Report.Outcome;
                }
            }

            batch.Add((next, reason));
        }

        var error = events.Count == 0 ? null : await _journal.CommitAsync([.. events], cancellationToken).ConfigureAwait(false);
        foreach (var (confirmation, reason) in batch)
        {
            confirmation.Result.TrySetResult(error is not null && reason == ReasonCode.None
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : reason == ReasonCode.None ? OperatorResult.Success : OperatorResult.Failed(reason));
        }
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
