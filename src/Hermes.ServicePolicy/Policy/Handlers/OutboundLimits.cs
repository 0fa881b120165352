using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The limits step, after the rule pipeline and the mode step (docs/behaviour.md#limits): a slot is acquired from the
/// rate limiter, and given back when the permit that took it could not be written. Autonomous permits that bind nothing
/// are kept in the ring of open permits and saved with the batched counters; every other permit is an event, durable
/// before the decision returns.
/// </summary>
internal sealed class OutboundLimits
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly IRateLimiter _limiter;
    private readonly IRateLimiterState _cached;
    private readonly HostCheckStep _host;

    public OutboundLimits(PolicyCore core, HostCheckStep host)
    {
        _core = core;
        _host = host;
        _state = core.State;
        _limiter = core.Limiter;
        _cached = core.LimiterState;
    }

    /// <summary>Acquires an autonomous send with the counters cached in the chat's slot (the built-in limiter takes no table lookup then).</summary>
    public RateLimitDecision AcquireAutonomousSend(in ChatView view, DateTimeOffset now, PolicyConfiguration configuration)
        => view.Slot is { } slot
            ? _cached.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends, ref slot.LimiterState)
            : _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);

    /// <summary>
    /// The agent's pacing, checked again and counted in one step (the rules read it before the limits; a concurrent
    /// decision may have taken the place since). True when the send may have a permit; nothing is counted otherwise.
    /// The text's fingerprint is the one the check took (<see cref="OutboundRuleInput.TextFingerprint"/>), not taken again.
    /// </summary>
    public bool TryPace(in OutboundRequest request, ChatId primary, SendId send, DateTimeOffset now, ulong fingerprint, PolicyConfiguration configuration, out ReasonCode reason, out TimeSpan retryAfter)
    {
        if (request.Initiator != Initiator.Agent)
        {
            (reason, retryAfter) = (ReasonCode.None, TimeSpan.Zero);
            return true;
        }

        return _state.AgentSends.TryRecord(primary, send, now, fingerprint, configuration, out reason, out retryAfter);
    }

    /// <summary>An autonomous permit that binds nothing: kept in the ring and made durable with the batched counters.</summary>
    public OutboundDecision PermitAutonomous(in OutboundRequest request, in ChatView view, SendId send, DateTimeOffset now, PolicyConfiguration configuration)
    {
        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }

        var notBefore = _core.Jitter.NotBefore(request.Initiator, now, configuration);
        var session = request.SessionId ?? view.Session;
        _state.Sends.Autonomous.Add(send, view.Primary, request.Text, session, request.Initiator, now, PolicyClock.AddClamped(notBefore ?? now, configuration.SendConfirmation), _core.Journal.Position);
        _core.Checkpoints.MarkDue();
        return OutboundDecision.Permit(view.Primary, send, request.Text, session, notBefore: notBefore);
    }

    /// <summary>The limits of an autonomous send decided inside the gate, and its permit.</summary>
    public async ValueTask<OutboundDecision> PermitAutonomousInsideAsync(ChangeScope scope, OutboundRequest request, ChatView view, HostQuestion? question, CancellationToken cancellationToken)
    {
        var (configuration, now) = (scope.Configuration, scope.Now);
        if (_core.Checkpoints.Failure is { } unsaved)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: unsaved); // counters that cannot be kept are no limit
        }

        if (!_state.Sends.CanIssue)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: PolicyCore.NoEpoch());
        }

        var acquired = _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);
        if (!acquired.IsAcquired)
        {
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, acquired.Reason, acquired.RetryAfter, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        // The library permits: the host's checks have the last word (asked outside the gate; the slot is given back meanwhile).
        if (question is not null && !question.Allows(HostCheckStep.SendFacts(request, view.Primary, request.SessionId ?? view.Session, false, now)))
        {
            _limiter.ReleaseAutonomousSend(view.Primary, now);
            return await _host.SettleSendAsync(scope, question, request, view, firstContact: false, cancellationToken).ConfigureAwait(false);
        }

        var send = _state.Sends.NextId();
        if (!TryPace(request, view.Primary, send, now, OutboundRuleInput.FingerprintOf(request.Initiator, request.Text, configuration), configuration, out var paced, out var wait))
        {
            _limiter.ReleaseAutonomousSend(view.Primary, now);
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, paced, wait, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        if (!_core.Shared && (request.SessionId is null || view.Session is not null))
        {
            return PermitAutonomous(request, view, send, now, configuration);
        }

        // The first send that carries a session binds it, and with a shared store every send is counted by every
        // process: durable before the permit is handed out.
        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }

        _core.Checkpoints.MarkDue();
        var notBefore = _core.Jitter.NotBefore(request.Initiator, now, configuration);
        if (await scope.CommitAsync(OutboundRules.SessionPermit(request, view.Primary, send, now, notBefore, configuration), cancellationToken).ConfigureAwait(false) is { } error)
        {
            _limiter.ReleaseAutonomousSend(view.Primary, now); // no permit was written: the slot is free again
            _state.AgentSends.Release(send);
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
        }

        return OutboundDecision.Permit(view.Primary, send, request.Text, request.SessionId ?? view.Session, notBefore: notBefore);
    }

    /// <summary>A direct first contact (approval not required): a new-chat slot, then its permit, durable.</summary>
    public async ValueTask<OutboundDecision> PermitFirstContactAsync(ChangeScope scope, OutboundRequest request, ChatView view, HostQuestion? question, CancellationToken cancellationToken)
    {
        var (configuration, now) = (scope.Configuration, scope.Now);
        if (!_state.Sends.CanIssue)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: PolicyCore.NoEpoch());
        }

        var slot = _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay);
        if (!slot.IsAcquired)
        {
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, slot.Reason, slot.RetryAfter, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        if (question is not null && !question.Allows(HostCheckStep.SendFacts(request, view.Primary, request.SessionId, true, now)))
        {
            _limiter.ReleaseNewChat(now);
            return await _host.SettleSendAsync(scope, question, request, view, firstContact: true, cancellationToken).ConfigureAwait(false);
        }

        var send = _state.Sends.NextId();
        if (!TryPace(request, view.Primary, send, now, OutboundRuleInput.FingerprintOf(request.Initiator, request.Text, configuration), configuration, out var paced, out var wait))
        {
            _limiter.ReleaseNewChat(now);
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, paced, wait, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        var notBefore = _core.Jitter.NotBefore(request.Initiator, now, configuration);
        if (await scope.CommitAsync(OutboundRules.FirstContactPermit(request, view.Primary, send, now, notBefore, configuration), cancellationToken).ConfigureAwait(false) is { } error)
        {
            _limiter.ReleaseNewChat(now);
            _state.AgentSends.Release(send);
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
        }

        return OutboundDecision.Permit(view.Primary, send, request.Text, request.SessionId, isFirstContact: true, notBefore: notBefore);
    }

    /// <summary>An approval's permit: the daily slot of a first contact is checked and reserved inside the gate, so no two approvals overshoot it.</summary>
    public async ValueTask<OutboundDecision> PermitApprovalAsync(ChangeScope scope, DraftRecord record, ChatView view, string approvedBy, HostQuestion? question, CancellationToken cancellationToken)
    {
        var (configuration, now) = (scope.Configuration, scope.Now);
        var draft = record.Id;
        if (!_state.Sends.CanIssue)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: PolicyCore.NoEpoch(), draft: draft);
        }

        var takeSlot = record.IsFirstContact && !view.IsService;
        if (takeSlot && _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay) is { IsAcquired: false } slot)
        {
            return await Denials.CommitAsync(scope, OutboundRules.Denied(view.Primary, slot.Reason, slot.RetryAfter, now, approvedBy, record.Initiator, record.HasMedia, draft), cancellationToken).ConfigureAwait(false);
        }

        if (question is not null && !question.Allows(HostCheckStep.ApprovalFacts(record, view.Primary, approvedBy, now)))
        {
            if (takeSlot)
            {
                _limiter.ReleaseNewChat(now);
            }

            return await HostCheckStep.SettleApprovalAsync(scope, question, record, view.Primary, approvedBy, cancellationToken).ConfigureAwait(false);
        }

        var send = _state.Sends.NextId();
        if (await scope.CommitAsync(DraftRules.Permit(record, view, approvedBy, send, takeSlot, now, configuration), cancellationToken).ConfigureAwait(false) is { } error)
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
}
