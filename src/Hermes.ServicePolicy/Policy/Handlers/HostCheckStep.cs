using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Checks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// One decision's exchange with the host's checks. Inside the gate, once the library's rules and limits would permit,
/// the decision leaves a question (and takes nothing); outside the gate the caller asks the checks; inside the gate
/// again, the decision is made anew and, when the library still permits the same thing, the answer is applied.
/// </summary>
/// <remarks>Host code never runs under the gate: a slow check delays only its own decision.</remarks>
internal sealed class HostQuestion
{
    /// <summary>How often a decision may ask again because what it asked about changed meanwhile, before it fails closed.</summary>
    public const int MaxRounds = 3;

    private OutboundCheckContext? _answered;

    /// <summary>Gets what the gate asks the host about, or null when nothing is left to ask.</summary>
    public OutboundCheckContext? Asked { get; private set; }

    /// <summary>Gets the host's answer to the last question asked.</summary>
    public HostVerdict Verdict { get; private set; }

    /// <summary>
    /// Inside the gate, where the library would issue a permit: true when the host's answer to this very question
    /// allows it. Otherwise the question is left open (not asked yet, or asked about something else), or the answer
    /// refuses or holds (<see cref="Asked"/> is null then).
    /// </summary>
    public bool Allows(OutboundCheckContext facts)
    {
        if (_answered is { } answered && Same(answered, facts))
        {
            Asked = null;
            return Verdict.Action == OutboundCheckAction.Allow && !Verdict.Failed;
        }

        Asked = facts;
        return false;
    }

    /// <summary>Outside the gate: records the host's answer to <see cref="Asked"/>.</summary>
    public void Answer(HostVerdict verdict)
    {
        _answered = Asked;
        Verdict = verdict;
        Asked = null;
    }

    // The text and the initiator are the request's (or the draft's) and cannot change between two rounds.
    private static bool Same(OutboundCheckContext a, OutboundCheckContext b)
        => a.Chat == b.Chat && a.IsFirstContact == b.IsFirstContact && a.Draft == b.Draft
            && string.Equals(a.SessionId, b.SessionId, StringComparison.Ordinal) && string.Equals(a.RequestedBy, b.RequestedBy, StringComparison.Ordinal);
}

/// <summary>
/// The host checks' step of outbound decisions and approvals (docs/behaviour.md#host-checks): after the library's rules
/// and limits, before the permit. A denial is audited <c>outbound_denied</c> (<c>host_denied</c>, or
/// <c>policy_unavailable</c> when a check failed) with the reason as its detail; a hold becomes a draft for the owner,
/// audited <c>host_held</c> then the draft, and only where a draft could be made (the draft rules run first).
/// </summary>
internal sealed class HostCheckStep
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly OutboundPipeline _pipeline;

    public HostCheckStep(PolicyCore core, OutboundPipeline pipeline)
    {
        _core = core;
        _state = core.State;
        _pipeline = pipeline;
    }

    /// <summary>Gets whether the host registered no check (then no decision ever asks).</summary>
    public bool IsEmpty => _core.HostChecks.IsEmpty;

    /// <summary>A new exchange for one decision, or null when there are no checks.</summary>
    public HostQuestion? NewQuestion() => IsEmpty ? null : new HostQuestion();

    /// <summary>
    /// Outside the gate: asks the checks what the gate left open. True when the decision must be made again with the
    /// answer; false when nothing was asked (the decision stands).
    /// </summary>
    public async ValueTask<bool> AnswerAsync(HostQuestion? question, CancellationToken cancellationToken)
    {
        if (question?.Asked is not { } asked)
        {
            return false;
        }

        question.Answer(await _core.HostChecks.RunAsync(asked, cancellationToken).ConfigureAwait(false));
        return true;
    }

    /// <summary>What a check sees of a send.</summary>
    public static OutboundCheckContext SendFacts(in OutboundRequest request, ChatId primary, string? session, bool firstContact, DateTimeOffset now)
        => new(primary, request.Text, request.Initiator)
        {
            SessionId = session,
            IsFirstContact = firstContact,
            HasMedia = request.HasMedia,
            RequestedBy = request.RequestedBy,
            DecidedAt = now,
        };

    /// <summary>What a check sees of an approval.</summary>
    public static OutboundCheckContext ApprovalFacts(DraftRecord record, ChatId primary, string approvedBy, DateTimeOffset now)
        => new(primary, record.Text, record.Initiator)
        {
            SessionId = record.Session,
            IsFirstContact = record.IsFirstContact,
            HasMedia = record.HasMedia,
            Draft = record.Id,
            RequestedBy = approvedBy,
            DecidedAt = now,
        };

    /// <summary>
    /// Inside the gate, after <see cref="HostQuestion.Allows"/> said no to a send (the caller gave back what it took):
    /// a placeholder while the question is open (nothing is written; the caller asks and decides again), else the
    /// host's refusal, or its hold as a draft.
    /// </summary>
    public async ValueTask<OutboundDecision> SettleSendAsync(ChangeScope scope, HostQuestion question, OutboundRequest request, ChatView view, bool firstContact, CancellationToken cancellationToken)
    {
        if (question.Asked is not null)
        {
            return Open(view.Primary, default);
        }

        var verdict = question.Verdict;
        if (verdict.Action != OutboundCheckAction.Hold || verdict.Failed)
        {
            return await RefuseAsync(scope, verdict, view.Primary, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
        }

        // A hold is a draft like any other: the rules for a new draft (the pending-draft caps, the owner's hold) apply.
        var (configuration, now) = (scope.Configuration, scope.Now);
        var asDraft = new OutboundRuleInput(_state, request.Chat, view, configuration, now, OutboundDecisionKind.Send, request.Initiator, request.Text, request.HasMedia, firstContact);
        if (_pipeline.CheckAfterMode(asDraft) is { Passed: false } refused)
        {
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, refused.Reason, refused.RetryAfter, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        var id = DraftId.New();
        var handle = _state.Handles.New(now);
        var drafted = OutboundRules.Drafted(request, view.Primary, id, handle, firstContact, now, configuration) with { Detail = verdict.Reason };
        var held = new PolicyEvent
        {
            Type = PolicyEventType.HostHeld,
            Timestamp = now,
            Chat = view.Primary,
            Actor = drafted.Actor,
            Initiator = request.Initiator,
            DraftId = id.Value,
            Handle = handle,
            FirstContact = firstContact,
            Detail = verdict.Reason,
        };
        return await scope.CommitAsync([held, drafted], cancellationToken).ConfigureAwait(false) is { } error
            ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error)
            : OutboundDecision.Drafted(view.Primary, id, request.SessionId, firstContact, handle).WithHostReason(verdict.Reason);
    }

    /// <summary>Inside the gate, after <see cref="HostQuestion.Allows"/> said no to an approval: a placeholder while the question is open, else the host's refusal (the draft stays pending).</summary>
    public static ValueTask<OutboundDecision> SettleApprovalAsync(ChangeScope scope, HostQuestion question, DraftRecord record, ChatId primary, string approvedBy, CancellationToken cancellationToken)
        => question.Asked is not null
            ? new(Open(primary, record.Id))
            : RefuseAsync(scope, question.Verdict, primary, approvedBy, record.Initiator, record.HasMedia, record.Id, cancellationToken);

    /// <summary>The answer while the host has not been asked: never returned to a caller (it asks, then decides again), and fails closed if it were.</summary>
    public static OutboundDecision Open(ChatId primary, DraftId draft)
        => OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: new InvalidOperationException("The host's checks were not asked."), draft: draft);

    private static async ValueTask<OutboundDecision> RefuseAsync(ChangeScope scope, HostVerdict verdict, ChatId primary, string actor, Initiator initiator, bool media, DraftId draft, CancellationToken cancellationToken)
    {
        var reason = verdict.Failed ? ReasonCode.PolicyUnavailable : ReasonCode.HostDenied;
        var denied = OutboundRules.Denied(primary, reason, null, scope.Now, actor, initiator, media, draft) with { Detail = verdict.Reason };
        return await scope.CommitAsync(denied, cancellationToken).ConfigureAwait(false) is { } error
            ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: error, draft: draft)
            : OutboundDecision.Denied(reason, primary, error: verdict.Error, draft: draft).WithHostReason(verdict.Failed ? null : verdict.Reason);
    }
}
