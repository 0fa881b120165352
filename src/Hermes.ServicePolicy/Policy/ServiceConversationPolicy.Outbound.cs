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

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    /// <remarks>
    /// The check order of docs/behaviour.md: feature off, then kind (group, broadcast), revoked, paused, media, then the
    /// first-contact rules or the chat's mode, then the limits (<see cref="OutboundRules"/>). The fast path is the same
    /// rules for the one case that writes no event: an autonomous send within its limits.
    /// </remarks>
    public ValueTask<OutboundDecision> DecideOutboundAsync(OutboundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request.Text);
        var configuration = Volatile.Read(ref _configuration);
        if (request.RequestedBy is not null)
        {
            return DecideOutboundSlowAsync(request, cancellationToken); // checks the named operator before anything else
        }

        if (!configuration.Enabled)
        {
            return Done(OutboundDecision.Denied(ReasonCode.FeatureDisabled, _state.PrimaryOf(request.Chat)));
        }

        // Counters that cannot be saved send every decision to the slow path, which answers them. With a shared store every
        // send is written (and so checked against every other process's) in the slow path.
        if (_shared || _checkpoints.Unsaved || OutboundRules.KindReason(request.Chat) != ReasonCode.None)
        {
            return DecideOutboundSlowAsync(request, cancellationToken);
        }

        var view = _state.View(request.Chat, configuration);
        if (!OutboundRules.NeedsNoEvent(view, request, configuration) || !_state.Sends.CanIssue
            || (view.Record is { } record && record.Changed > _journal.Durable))
        {
            return DecideOutboundSlowAsync(request, cancellationToken);
        }

        // The hot path: an autonomous chat within its limits. One clock read, one per-chat limiter lock, one ring slot.
        if (!TryNow(out var now, out var clockError))
        {
            return Done(OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: clockError));
        }

        var acquired = AcquireAutonomousSend(view, now, configuration);
        if (!acquired.IsAcquired)
        {
            return DenyAsync(request, view.Primary, acquired.Reason, acquired.RetryAfter, now, cancellationToken);
        }

        return Done(PermitAutonomous(request, view, now, configuration));
    }

    private bool IsOperatorChat(ChatId primary, PolicyConfiguration configuration)
    {
        _state.Aliases.TryGetAlias(primary, out var alias);
        return configuration.IsOperator(primary, alias);
    }

    private RateLimitDecision AcquireAutonomousSend(in ChatView view, DateTimeOffset now, PolicyConfiguration configuration)
        => _limiter is SlidingLogRateLimiter builtIn && view.Slot is { } slot
            ? builtIn.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends, ref slot.LimiterState)
            : _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);

    // An autonomous permit that binds nothing: kept in the ring and made durable with the batched counters.
    private OutboundDecision PermitAutonomous(in OutboundRequest request, in ChatView view, DateTimeOffset now, PolicyConfiguration configuration)
    {
        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }

        var send = _state.Sends.NextId();
        var session = request.SessionId ?? view.Session;
        _state.Sends.Autonomous.Add(send, view.Primary, request.Text, session, request.Initiator, now, PolicyClock.AddClamped(now, configuration.SendConfirmation), _journal.Position);
        _checkpoints.MarkDue();
        return OutboundDecision.Permit(view.Primary, send, request.Text, session);
    }

    private async ValueTask<OutboundDecision> DenyAsync(OutboundRequest request, ChatId primary, ReasonCode reason, TimeSpan? retryAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var decision = await CommitDenialAsync(OutboundRules.Denied(primary, reason, retryAfter, now, OutboundRules.ActorOf(request), request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
            _metrics.Outbound(decision, approval: false);
            return decision;
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>Writes an <c>outbound_denied</c> event and answers its reason, or <c>policy_unavailable</c> when it cannot be written. Inside the gate.</summary>
    private async ValueTask<OutboundDecision> CommitDenialAsync(PolicyEvent denied, CancellationToken cancellationToken)
    {
        var draft = denied.DraftId is null ? default : new DraftId(denied.DraftId);
        return await _journal.CommitAsync([denied], cancellationToken).ConfigureAwait(false) is { } error
            ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, denied.Chat, error: error, draft: draft)
            : OutboundDecision.Denied(denied.Reason, denied.Chat, denied.RetryAfter, draft: draft);
    }

    private async ValueTask<OutboundDecision> DecideOutboundSlowAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        var decision = _shared
            ? await DecideOutboundSharedAsync(request, cancellationToken).ConfigureAwait(false)
            : await DecideOutboundCoreAsync(request, cancellationToken).ConfigureAwait(false);

        // Permitted on a state another change made but has not made durable yet (group commit): wait for it first.
        if (decision.IsPermitted && await _journal.SyncAsync(_journal.Position, cancellationToken).ConfigureAwait(false) is { } error)
        {
            decision = OutboundDecision.Denied(ReasonCode.PolicyUnavailable, decision.Chat, error: error);
        }

        _metrics.Outbound(decision, approval: false);
        return decision;
    }

    private async ValueTask<OutboundDecision> DecideOutboundCoreAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        if (request.RequestedBy is not null)
        {
            if (!ActorNames.TryValidate(request.RequestedBy, out var requester))
            {
                return OutboundDecision.Denied(ReasonCode.InvalidActor, _state.PrimaryOf(request.Chat)); // not audited
            }

            request = request with { RequestedBy = requester };
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configuration = Volatile.Read(ref _configuration);
            var primary = _state.PrimaryOf(request.Chat);
            if (!configuration.Enabled)
            {
                return OutboundDecision.Denied(ReasonCode.FeatureDisabled, primary);
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: clockError);
            }

            var actor = OutboundRules.ActorOf(request);
            var kindReason = OutboundRules.KindReason(request.Chat);
            if (kindReason != ReasonCode.None)
            {
                return await CommitDenialAsync(OutboundRules.Denied(primary, kindReason, null, now, actor, request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
            }

            var view = _state.View(request.Chat, configuration);
            var (route, reason) = OutboundRules.Route(view, request, configuration, _state.IsRecentlyBlocked(view.Primary, now), IsOperatorChat(view.Primary, configuration));
            switch (route)
            {
                case OutboundRoute.Denied:
                    return await CommitDenialAsync(OutboundRules.Denied(view.Primary, reason, null, now, actor, request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
                case OutboundRoute.FirstContactDraft:
                case OutboundRoute.FollowUpDraft:
                    var firstContact = route == OutboundRoute.FirstContactDraft;
                    var id = DraftId.New();
                    var handle = _state.Handles.New(now);
                    return await _journal.CommitAsync([OutboundRules.Drafted(request, view.Primary, id, handle, firstContact, now, configuration)], cancellationToken).ConfigureAwait(false) is { } draftError
                        ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: draftError)
                        : OutboundDecision.Drafted(view.Primary, id, request.SessionId, firstContact, handle);
                case OutboundRoute.FirstContactPermit:
                    return await PermitFirstContactAsync(request, view, now, configuration, cancellationToken).ConfigureAwait(false);
            }

            if (_checkpoints.Failure is { } unsaved)
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: unsaved); // counters that cannot be kept are no limit
            }

            if (!_state.Sends.CanIssue)
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: NoEpoch());
            }

            var acquired = _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);
            if (!acquired.IsAcquired)
            {
                return await CommitDenialAsync(OutboundRules.Denied(view.Primary, acquired.Reason, acquired.RetryAfter, now, actor, request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
            }

            if (!_shared && (request.SessionId is null || view.Session is not null))
            {
                return PermitAutonomous(request, view, now, configuration);
            }

            // The first send that carries a session binds it, and with a shared store every send is counted by every
            // process: durable before the permit is handed out.
            if (view.Slot is { } slot)
            {
                Volatile.Write(ref slot.AwaitingReply, 1);
            }

            _checkpoints.MarkDue();
            var send = _state.Sends.NextId();
            if (await _journal.CommitAsync([OutboundRules.SessionPermit(request, view.Primary, send, now, configuration)], cancellationToken).ConfigureAwait(false) is { } error)
            {
                _limiter.ReleaseAutonomousSend(view.Primary, now); // no permit was written: the slot is free again
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
            }

            return OutboundDecision.Permit(view.Primary, send, request.Text, request.SessionId ?? view.Session);
        }
        finally
        {
            _journal.Exit();
        }
    }

    private async ValueTask<OutboundDecision> PermitFirstContactAsync(OutboundRequest request, ChatView view, DateTimeOffset now, PolicyConfiguration configuration, CancellationToken cancellationToken)
    {
        var actor = OutboundRules.ActorOf(request);
        if (!_state.Sends.CanIssue)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: NoEpoch());
        }

        var slot = _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay);
        if (!slot.IsAcquired)
        {
            return await CommitDenialAsync(OutboundRules.Denied(view.Primary, slot.Reason, slot.RetryAfter, now, actor, request.Initiator, request.HasMedia, default), cancellationToken).ConfigureAwait(false);
        }

        var send = _state.Sends.NextId();
        if (await _journal.CommitAsync([OutboundRules.FirstContactPermit(request, view.Primary, send, now, configuration)], cancellationToken).ConfigureAwait(false) is { } error)
        {
            _limiter.ReleaseNewChat(now);
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
        }

        return OutboundDecision.Permit(view.Primary, send, request.Text, request.SessionId, isFirstContact: true);
    }
}
