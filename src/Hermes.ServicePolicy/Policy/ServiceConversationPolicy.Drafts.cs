using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    public ValueTask<OutboundDecision> ApproveDraftAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default)
        => _shared ? ApproveDraftSharedAsync(draft, approvedBy, cancellationToken) : ApproveDraftOnceAsync(draft, approvedBy, cancellationToken);

    private async ValueTask<OutboundDecision> ApproveDraftOnceAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(approvedBy, out var actor))
        {
            return OutboundDecision.Denied(ReasonCode.InvalidActor, default, draft: draft); // before anything else, and not audited
        }

        var decision = await ApproveDraftCoreAsync(draft, actor, cancellationToken).ConfigureAwait(false);
        _metrics.Outbound(decision, approval: true);
        return decision;
    }

    private async ValueTask<OutboundDecision> ApproveDraftCoreAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (draft.Value is null || !_state.Drafts.TryGetValue(draft.Value, out var record))
            {
                return OutboundDecision.Denied(DecidedReason(draft), default, draft: draft);
            }

            var primary = _state.PrimaryOf(record.Chat);
            if (!TryNow(out var now, out var clockError))
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: clockError, draft: draft);
            }

            if (await ClosedOrExpiredAsync(record, now, cancellationToken).ConfigureAwait(false) is { } closed)
            {
                return OutboundDecision.Denied(closed.Reason, primary, error: closed.Error, draft: draft);
            }

            var configuration = Volatile.Read(ref _configuration);
            if (!configuration.Enabled)
            {
                return OutboundDecision.Denied(ReasonCode.FeatureDisabled, primary, draft: draft);
            }

            var view = _state.View(record.Chat, configuration);
            var reason = DraftRules.Approval(record, view, configuration);
            if (reason != ReasonCode.None)
            {
                return await CommitDenialAsync(OutboundRules.Denied(view.Primary, reason, null, now, approvedBy, record.Initiator, record.HasMedia, draft), cancellationToken).ConfigureAwait(false);
            }

            if (!_state.Sends.CanIssue)
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: NoEpoch(), draft: draft);
            }

            // The daily slot of a first contact is checked and reserved inside the gate: no two approvals can overshoot it.
            var takeSlot = record.IsFirstContact && !view.IsService;
            if (takeSlot && _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay) is { IsAcquired: false } slot)
            {
                return await CommitDenialAsync(OutboundRules.Denied(view.Primary, slot.Reason, slot.RetryAfter, now, approvedBy, record.Initiator, record.HasMedia, draft), cancellationToken).ConfigureAwait(false);
            }

            var send = _state.Sends.NextId();
            if (await _journal.CommitAsync([DraftRules.Permit(record, view, approvedBy, send, takeSlot, now, configuration)], cancellationToken).ConfigureAwait(false) is { } error)
            {
                if (takeSlot)
                {
                    _limiter.ReleaseNewChat(now);
                }

                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error, draft: draft);
            }

            var session = _state.Chats.TryGetValue(view.Primary, out var after) ? after.Session ?? record.Session : record.Session;
            return OutboundDecision.Permit(view.Primary, send, record.Text, session, record.IsFirstContact, draft);
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <inheritdoc />
    public ValueTask<OperatorResult> RejectDraftAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default)
        => _shared ? RejectDraftSharedAsync(draft, rejectedBy, cancellationToken) : RejectDraftOnceAsync(draft, rejectedBy, cancellationToken);

    private async ValueTask<OperatorResult> RejectDraftOnceAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(rejectedBy, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor);
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (draft.Value is null || !_state.Drafts.TryGetValue(draft.Value, out var record))
            {
                return OperatorResult.Failed(DecidedReason(draft));
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            if (await ClosedOrExpiredAsync(record, now, cancellationToken).ConfigureAwait(false) is { } closed)
            {
                return OperatorResult.Failed(closed.Reason, closed.Error);
            }

            return await _journal.CommitAsync([DraftRules.Rejection(record, _state.PrimaryOf(record.Chat), actor, now)], cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <inheritdoc />
    public async ValueTask<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryNow(out var now, out var clockError))
            {
                throw new InvalidOperationException("The clock failed; nothing was swept.", clockError);
            }

            var events = new List<PolicyEvent>();
            foreach (var draft in _state.Drafts.Values)
            {
                if (draft.State == DraftState.Pending && now >= draft.ExpiresAt)
                {
                    events.Add(DraftRules.Expiry(draft, _state.PrimaryOf(draft.Chat), now));
                }
            }

            var draftsExpired = events.Count;
            foreach (var pending in _state.Sends.Open())
            {
                if (now >= pending.ConfirmBy)
                {
                    events.Add(SendRules.Close(_state, pending, SendOutcome.Unknown, null, null, ReasonCode.NotConfirmed, now));
                }
            }

            if (events.Count > 0 && await _journal.CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
            {
                throw new InvalidOperationException("The state store failed; nothing was swept.", error);
            }

            if (await FlushRollupsAsync(now, all: false, cancellationToken).ConfigureAwait(false) is { } rollupError)
            {
                throw new InvalidOperationException("The state store failed; the roll-up of blocked messages was not written.", rollupError);
            }

            _state.Sends.PruneClosed(now);
            _state.Handles.Prune(now);
            _state.Blocks.Prune(now);
            _state.Decided.Prune(now);
            (_limiter as SlidingLogRateLimiter)?.PruneIdle(now);
            return new SweepResult(draftsExpired, events.Count - draftsExpired) { EventsPruned = await PruneHistoryAsync(now, cancellationToken).ConfigureAwait(false) };
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>
    /// A draft that can no longer be approved or rejected: already decided, or expired (its expiry is audited here,
    /// once, when it is first touched after its time). Null when it is still pending. Inside the gate.
    /// </summary>
    private async ValueTask<(ReasonCode Reason, Exception? Error)?> ClosedOrExpiredAsync(DraftRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reason = DraftRules.Closed(record, now, out var expiresNow);
        if (reason == ReasonCode.None)
        {
            return null;
        }

        if (expiresNow && await _journal.CommitAsync([DraftRules.Expiry(record, _state.PrimaryOf(record.Chat), now)], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return (ReasonCode.PolicyUnavailable, error);
        }

        return (reason, null);
    }

    /// <summary>Applies <c>audit_retention_days</c>: the store drops whole stretches of history older than it that its snapshots no longer need.</summary>
    private async ValueTask<long> PruneHistoryAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _configuration).AuditRetention is not { } retention)
        {
            return 0;
        }

        var pruned = await _store.PruneHistoryAsync(PolicyClock.AddClamped(now, -retention), cancellationToken).ConfigureAwait(false);
        return pruned.Events;
    }

    /// <summary>Why a draft that is no longer in memory cannot be approved or rejected: decided (or expired) in the last 30 days, or unknown.</summary>
    private ReasonCode DecidedReason(DraftId draft)
        => draft.Value is null || !_state.Decided.TryGet(draft.Value, out var state) ? ReasonCode.UnknownDraft
            : state == DraftState.Expired ? ReasonCode.DraftExpired : ReasonCode.DraftAlreadyDecided;
}
