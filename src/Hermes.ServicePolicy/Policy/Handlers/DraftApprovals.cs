using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Approving and rejecting drafts (docs/behaviour.md, "Drafts"): an approval re-runs the outbound rule pipeline at that
/// moment, then takes the limits step (a first contact's daily slot); a draft is decided once, and an expired one is
/// audited as expired when it is first touched after its time.
/// </summary>
internal sealed class DraftApprovals
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly OutboundPipeline _pipeline;
    private readonly OutboundLimits _limits;
    private readonly HostCheckStep _host;

    public DraftApprovals(PolicyCore core, OutboundPipeline pipeline, OutboundLimits limits, HostCheckStep host)
    {
        _host = host;
        _core = core;
        _state = core.State;
        _pipeline = pipeline;
        _limits = limits;
    }

    public async ValueTask<OutboundDecision> ApproveAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(approvedBy, out var actor))
        {
            return OutboundDecision.Denied(ReasonCode.InvalidActor, default, draft: draft); // before anything else, and not audited
        }

        var question = _host.NewQuestion();
        var decision = await DecideAsync(draft, actor, question, cancellationToken).ConfigureAwait(false);

        // The library would permit: the host's checks have the last word (asked outside the gate), then it is decided again.
        for (var round = 0; round < HostQuestion.MaxRounds && await _host.AnswerAsync(question, cancellationToken).ConfigureAwait(false); round++)
        {
            decision = await DecideAsync(draft, actor, question, cancellationToken).ConfigureAwait(false);
        }

        _core.Metrics.Outbound(decision, approval: true);
        return decision;
    }

    private ValueTask<OutboundDecision> DecideAsync(DraftId draft, string actor, HostQuestion? question, CancellationToken cancellationToken)
        => _core.Work.DecideAsync(
            (Approvals: this, Draft: draft, Actor: actor, Question: question),
            static (scope, a, ct) => a.Approvals.ApproveInsideAsync(scope, a.Draft, a.Actor, a.Question, ct),
            static (a, error) => OutboundDecision.Denied(ReasonCode.PolicyUnavailable, default, error: error, draft: a.Draft),
            cancellationToken,
            catchUpWhenNotFound: true);

    public ValueTask<OperatorResult> RejectAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(rejectedBy, out var actor))
        {
            return new(OperatorResult.Failed(ReasonCode.InvalidActor));
        }

        return _core.Work.DecideAsync(
            (Approvals: this, Draft: draft, Actor: actor),
            static (scope, a, ct) => a.Approvals.RejectInsideAsync(scope, a.Draft, a.Actor, ct),
            static (_, error) => OperatorResult.Failed(ReasonCode.PolicyUnavailable, error),
            cancellationToken,
            catchUpWhenNotFound: true);
    }

    /// <summary>The draft a handle (<c>K7QM</c>, any case) or a full draft id names, or default.</summary>
    public DraftId Find(string handleOrId)
        => _state.Drafts.ContainsKey(handleOrId) || _state.Decided.IsDecided(handleOrId) ? new DraftId(handleOrId)
            : _state.Handles.Find(handleOrId) is { } id ? new DraftId(id) : default;

    private async ValueTask<OutboundDecision> ApproveInsideAsync(ChangeScope scope, DraftId draft, string approvedBy, HostQuestion? question, CancellationToken cancellationToken)
    {
        if (draft.Value is null || !_state.Drafts.TryGetValue(draft.Value, out var record))
        {
            return OutboundDecision.Denied(DecidedReason(draft), default, draft: draft);
        }

        var primary = _state.PrimaryOf(record.Chat);
        if (await ClosedOrExpiredAsync(scope, record, cancellationToken).ConfigureAwait(false) is { } closed)
        {
            return OutboundDecision.Denied(closed.Reason, primary, error: closed.Error, draft: draft);
        }

        var (configuration, now) = (scope.Configuration, scope.Now);
        var view = _state.View(record.Chat, configuration);
        var check = new OutboundRuleInput(_state, record.Chat, view, configuration, now, OutboundDecisionKind.Approval, record.Initiator, record.Text, record.HasMedia, record.IsFirstContact, leaves: true);
        var verdict = _pipeline.CheckBoth(check);
        if (!verdict.Passed)
        {
            return verdict.Audited
                ? await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, verdict.Reason, verdict.RetryAfter, now, approvedBy, record.Initiator, record.HasMedia, draft), cancellationToken).ConfigureAwait(false)
                : OutboundDecision.Denied(verdict.Reason, primary, verdict.RetryAfter, draft: draft);
        }

        return await _limits.PermitApprovalAsync(scope, record, view, approvedBy, question, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<OperatorResult> RejectInsideAsync(ChangeScope scope, DraftId draft, string rejectedBy, CancellationToken cancellationToken)
    {
        if (draft.Value is null || !_state.Drafts.TryGetValue(draft.Value, out var record))
        {
            return OperatorResult.Failed(DecidedReason(draft));
        }

        if (await ClosedOrExpiredAsync(scope, record, cancellationToken).ConfigureAwait(false) is { } closed)
        {
            return OperatorResult.Failed(closed.Reason, closed.Error);
        }

        return await scope.CommitAsync(DraftRules.Rejection(record, _state.PrimaryOf(record.Chat), rejectedBy, scope.Now), cancellationToken).ConfigureAwait(false) is { } error
            ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
            : OperatorResult.Success;
    }

    /// <summary>
    /// A draft that can no longer be approved or rejected: already decided, or expired (its expiry is audited here,
    /// once, when it is first touched after its time). Null when it is still pending.
    /// </summary>
    private async ValueTask<(ReasonCode Reason, Exception? Error)?> ClosedOrExpiredAsync(ChangeScope scope, DraftRecord record, CancellationToken cancellationToken)
    {
        var reason = DraftRules.Closed(record, scope.Now, out var expiresNow);
        if (reason == ReasonCode.None)
        {
            return null;
        }

        if (expiresNow && await scope.CommitAsync(DraftRules.Expiry(record, _state.PrimaryOf(record.Chat), scope.Now), cancellationToken).ConfigureAwait(false) is { } error)
        {
            return (ReasonCode.PolicyUnavailable, error);
        }

        return (reason, null);
    }

    /// <summary>Why a draft that is no longer in memory cannot be approved or rejected: decided (or expired) in the last 30 days, or unknown.</summary>
    private ReasonCode DecidedReason(DraftId draft)
        => draft.Value is null || !_state.Decided.TryGet(draft.Value, out var state) ? ReasonCode.UnknownDraft
            : state == DraftState.Expired ? ReasonCode.DraftExpired : ReasonCode.DraftAlreadyDecided;
}
