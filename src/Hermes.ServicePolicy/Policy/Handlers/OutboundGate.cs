using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Outbound decisions (docs/behaviour.md#outbound-the-order-of-checks): the rule pipeline, then the mode step (a draft
/// or a permit), then the limits. The fast path is the same pipeline for the one case that writes no event, an
/// autonomous send within its limits: one clock read, one per-chat limiter lock, one ring slot, no allocation.
/// </summary>
internal sealed class OutboundGate
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly Journal _journal;
    private readonly ConfigurationSlot _settings;
    private readonly OutboundPipeline _pipeline;
    private readonly OutboundLimits _limits;
    private readonly HostCheckStep _host;
    private readonly bool _shared;

    public OutboundGate(PolicyCore core, OutboundPipeline pipeline, OutboundLimits limits, HostCheckStep host)
    {
        _host = host;
        _core = core;
        _state = core.State;
        _journal = core.Journal;
        _settings = core.Settings;
        _shared = core.Shared;
        _pipeline = pipeline;
        _limits = limits;
    }

    public ValueTask<OutboundDecision> DecideAsync(in OutboundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Text);
        if (request.RequestedBy is not null)
        {
            return DecideSlowAsync(request, null, cancellationToken); // checks the named operator before anything else
        }

        var configuration = _settings.Current;
        if (!configuration.Enabled)
        {
            return Done(OutboundDecision.Denied(ReasonCode.FeatureDisabled, _state.PrimaryOf(request.Chat)));
        }

        // Counters that cannot be saved send every decision to the slow path, which answers them. With a shared store
        // every send is written (and so checked against every other process's) in the slow path; so is every send the
        // host's checks must see.
        if (_shared || _core.Checkpoints.Unsaved || !_host.IsEmpty || ChatView.KindReason(request.Chat) != ReasonCode.None)
        {
            return DecideSlowAsync(request, null, cancellationToken);
        }

        var view = _state.View(request.Chat, configuration);
        if (!view.IsService || view.Mode != ServiceChatMode.Autonomous || (request.SessionId is not null && view.Session is null)
            || !_state.Sends.CanIssue || (view.Record is { } record && record.Changed > _journal.Durable))
        {
            return DecideSlowAsync(request, null, cancellationToken); // a first contact, a draft, a session to bind: events to write
        }

        // The hot path: the decision's one clock reading, then the same pipeline the slow path runs.
        if (!_core.Work.TryNow(out var now, out var clockError))
        {
            return Done(OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: clockError));
        }

        // An autonomous chat's message leaves (no draft): known before the mode step, so the check is built once.
        var check = new OutboundRuleInput(_state, request.Chat, view, configuration, now, OutboundDecisionKind.Send, request.Initiator, request.Text, request.HasMedia, isFirstContact: false, leaves: true);
        if (!_pipeline.CheckBoth(check).Passed)
        {
            return DecideSlowAsync(request, now, cancellationToken); // a refusal to audit: decided again inside the gate
        }

        var acquired = _limits.AcquireAutonomousSend(view, now, configuration);
        if (!acquired.IsAcquired)
        {
            return DenyAsync(request, view.Primary, acquired.Reason, acquired.RetryAfter, now, cancellationToken);
        }

        var send = _state.Sends.NextId();
        if (!_limits.TryPace(request, view.Primary, send, now, check.TextFingerprint, configuration, out var paced, out var wait))
        {
            _core.Limiter.ReleaseAutonomousSend(view.Primary, now); // a concurrent send took the place the rules saw free
            return DenyAsync(request, view.Primary, paced, wait, now, cancellationToken);
        }

        return Done(_limits.PermitAutonomous(request, view, send, now, configuration));
    }

    private ValueTask<OutboundDecision> Done(OutboundDecision decision)
    {
        _core.Metrics.Outbound(decision, approval: false);
        return new(decision);
    }

    private async ValueTask<OutboundDecision> DenyAsync(OutboundRequest request, Identity.ChatId primary, ReasonCode reason, TimeSpan? retryAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var decision = await _core.Work.RunAtAsync(
            now,
            OutboundRules.Denied(primary, reason, retryAfter, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default),
            static (scope, e, ct) => Denials.CommitAsync(scope, e, ct),
            cancellationToken).ConfigureAwait(false);
        _core.Metrics.Outbound(decision, approval: false);
        return decision;
    }

    private async ValueTask<OutboundDecision> DecideSlowAsync(OutboundRequest request, DateTimeOffset? readAt, CancellationToken cancellationToken)
    {
        var question = _host.NewQuestion();
        var decision = await _core.Work.RetryAsync((Gate: this, Request: request, ReadAt: readAt, Question: question), static (a, ct) => a.Gate.DecideOnceAsync(a.Request, a.ReadAt, a.Question, ct), cancellationToken).ConfigureAwait(false);

        // The library would permit and the host's checks have not answered: ask them (outside the gate), decide again.
        // A question still open after the last round leaves its placeholder, which fails closed.
        for (var round = 0; round < HostQuestion.MaxRounds && await _host.AnswerAsync(question, cancellationToken).ConfigureAwait(false); round++)
        {
            decision = await _core.Work.RetryAsync((Gate: this, Request: request, ReadAt: (DateTimeOffset?)null, Question: question), static (a, ct) => a.Gate.DecideOnceAsync(a.Request, a.ReadAt, a.Question, ct), cancellationToken).ConfigureAwait(false);
        }

        // Permitted on a state another change made but has not made durable yet (group commit): wait for it first.
        if (decision.IsPermitted && await _journal.SyncAsync(_journal.Position, cancellationToken).ConfigureAwait(false) is { } error)
        {
            decision = OutboundDecision.Denied(ReasonCode.PolicyUnavailable, decision.Chat, error: error);
        }

        _core.Metrics.Outbound(decision, approval: false);
        return decision;
    }

    private ValueTask<OutboundDecision> DecideOnceAsync(OutboundRequest request, DateTimeOffset? readAt, HostQuestion? question, CancellationToken cancellationToken)
    {
        if (request.RequestedBy is not null)
        {
            if (!ActorNames.TryValidate(request.RequestedBy, out var requester))
            {
                return new(OutboundDecision.Denied(ReasonCode.InvalidActor, _state.PrimaryOf(request.Chat))); // not audited
            }

            request = request with { RequestedBy = requester };
        }

        var arg = (Gate: this, Request: request, Question: question);
        return readAt is { } now
            ? _core.Work.RunAtAsync(now, arg, static (scope, a, ct) => a.Gate.DecideInsideAsync(scope, a.Request, a.Question, ct), cancellationToken)
            : _core.Work.RunAsync(
                arg,
                static (scope, a, ct) => a.Gate.DecideInsideAsync(scope, a.Request, a.Question, ct),
                static (a, error) => OutboundDecision.Denied(ReasonCode.PolicyUnavailable, a.Gate._state.PrimaryOf(a.Request.Chat), error: error),
                cancellationToken);
    }

    private async ValueTask<OutboundDecision> DecideInsideAsync(ChangeScope scope, OutboundRequest request, HostQuestion? question, CancellationToken cancellationToken)
    {
        var (configuration, now) = (scope.Configuration, scope.Now);
        var view = _state.View(request.Chat, configuration);
        var check = new OutboundRuleInput(_state, request.Chat, view, configuration, now, OutboundDecisionKind.Send, request.Initiator, request.Text, request.HasMedia, !view.IsService);
        var verdict = _pipeline.Check(check);
        if (!verdict.Passed)
        {
            return await RefuseAsync(scope, request, view.Primary, verdict, cancellationToken).ConfigureAwait(false);
        }

        var route = OutboundRules.Route(view, request, configuration, !view.IsService && _state.IsRecentlyBlocked(view.Primary, now));
        if (_pipeline.CheckAfterMode(check.AfterMode(leaves: route is OutboundRoute.FirstContactPermit or OutboundRoute.Autonomous)) is { Passed: false } refused)
        {
            return await RefuseAsync(scope, request, view.Primary, refused, cancellationToken).ConfigureAwait(false);
        }

        switch (route)
        {
            case OutboundRoute.FirstContactDraft:
                return await DraftAsync(scope, request, view, firstContact: true, cancellationToken).ConfigureAwait(false);
            case OutboundRoute.FollowUpDraft:
                return await DraftAsync(scope, request, view, firstContact: false, cancellationToken).ConfigureAwait(false);
            case OutboundRoute.FirstContactPermit:
                return await _limits.PermitFirstContactAsync(scope, request, view, question, cancellationToken).ConfigureAwait(false);
            default:
                return await _limits.PermitAutonomousInsideAsync(scope, request, view, question, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask<OutboundDecision> RefuseAsync(ChangeScope scope, OutboundRequest request, Identity.ChatId primary, RuleVerdict verdict, CancellationToken cancellationToken)
        => verdict.Audited
            ? await Denials.CommitAsync(scope, OutboundRules.Denied(primary, verdict.Reason, verdict.RetryAfter, scope.Now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false)
            : OutboundDecision.Denied(verdict.Reason, primary, verdict.RetryAfter);

    private async ValueTask<OutboundDecision> DraftAsync(ChangeScope scope, OutboundRequest request, ChatView view, bool firstContact, CancellationToken cancellationToken)
    {
        var id = DraftId.New();
        var handle = _state.Handles.New(scope.Now);
        return await scope.CommitAsync(OutboundRules.Drafted(request, view.Primary, id, handle, firstContact, scope.Now, scope.Configuration), cancellationToken).ConfigureAwait(false) is { } error
            ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error)
            : OutboundDecision.Drafted(view.Primary, id, request.SessionId, firstContact, handle);
    }
}
