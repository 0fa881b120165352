using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    /// <remarks>
    /// The check order of docs/behaviour.md: feature off, then kind (group, broadcast), revoked, paused, media, then the
    /// first-contact rules or the chat's mode, then the limits. Every denial before the mode step happens before
    /// any draft exists.
    /// </remarks>
    public ValueTask<OutboundDecision> DecideOutboundAsync(OutboundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request.Text);
        if (request.RequestedBy is not null)
        {
            return DecideOutboundSlowAsync(request, cancellationToken); // checks the named operator before anything else
        }

        var configuration = Volatile.Read(ref _configuration);
        if (!configuration.Enabled)
        {
            return Done(OutboundDecision.Denied(ReasonCode.FeatureDisabled, _aliases.GetPrimary(request.Chat)));
        }

        // A failing sink or counters that cannot be saved send every decision to the slow path, which answers them.
        if (_sinkFaulted || _countersUnsaved || KindReason(request.Chat) != ReasonCode.None)
        {
            return DecideOutboundSlowAsync(request, cancellationToken);
        }

        var view = View(request.Chat, configuration);
        if (!view.IsService || view.IsPaused || view.Mode != ServiceChatMode.Autonomous
            || (request.HasMedia && !configuration.AllowMedia)
            || (request.SessionId is not null && view.Session is null))
        {
            return DecideOutboundSlowAsync(request, cancellationToken);
        }

        // The hot path: an autonomous chat within its limits. One clock read, one per-chat limiter lock.
        if (!TryNow(out var now, out var clockError))
        {
            return Done(OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: clockError));
        }

        var permit = AcquireAutonomousSend(view, now, configuration);
        if (!permit.IsAcquired)
        {
            return DenyAsync(request, view.Primary, permit.Reason, permit.RetryAfter, now, cancellationToken);
        }

        RecordAutonomousSend(view);
        return Done(new OutboundDecision(OutboundOutcome.Sent, ReasonCode.None, view.Primary, default, request.Text, request.SessionId ?? view.Session, null, false, null));
    }

    private RateLimitDecision AcquireAutonomousSend(in ChatView view, DateTimeOffset now, PolicyConfiguration configuration)
        => _limiter is SlidingLogRateLimiter builtIn && view.Slot is { } slot
            ? builtIn.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends, ref slot.LimiterState)
            : _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<OutboundDecision> Done(OutboundDecision decision)
    {
        ServiceConversationMetrics.Outbound(decision, approval: false);
        return new(decision);
    }

    private async ValueTask<OutboundDecision> DenyAsync(OutboundRequest request, Identity.ChatId primary, ReasonCode reason, TimeSpan? retryAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var decision = await DenyInsideGateAsync(primary, reason, retryAfter, now, ActorOf(request), request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
            ServiceConversationMetrics.Outbound(decision, approval: false);
            return decision;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<OutboundDecision> DenyInsideGateAsync(Identity.ChatId primary, ReasonCode reason, TimeSpan? retryAfter, DateTimeOffset now, string actor, Initiator? initiator, bool media, DraftId draft, CancellationToken cancellationToken)
    {
        var denied = new PolicyEvent
        {
            Type = PolicyEventType.OutboundDenied,
            Timestamp = now,
            Chat = primary,
            Actor = actor,
            Reason = reason,
            RetryAfter = retryAfter,
            Initiator = initiator,
            HasMedia = media,
            DraftId = draft.Value,
        };
        if (await CommitAsync([denied], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: error, draft: draft);
        }

        return OutboundDecision.Denied(reason, primary, retryAfter, draft: draft);
    }

    // The operator id the request carries, else operator or agent by initiator (docs/behaviour.md).
    private static string ActorOf(OutboundRequest request)
        => request.RequestedBy ?? (request.Initiator == Initiator.Agent ? AgentActor : OperatorActor);

    private async ValueTask<OutboundDecision> DecideOutboundSlowAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        var decision = await DecideOutboundCoreAsync(request, cancellationToken).ConfigureAwait(false);
        ServiceConversationMetrics.Outbound(decision, approval: false);
        return decision;
    }

    private async ValueTask<OutboundDecision> DecideOutboundCoreAsync(OutboundRequest request, CancellationToken cancellationToken)
    {
        if (request.RequestedBy is not null)
        {
            if (!ActorNames.TryValidate(request.RequestedBy, out var requester))
            {
                return OutboundDecision.Denied(ReasonCode.InvalidActor, _aliases.GetPrimary(request.Chat)); // not audited
            }

            request = request with { RequestedBy = requester };
        }

        if (_sinkFaulted && await EnsureSinksHealthyAsync(cancellationToken).ConfigureAwait(false) is { } sinkError)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, _aliases.GetPrimary(request.Chat), error: sinkError);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configuration = Volatile.Read(ref _configuration);
            var primary = _aliases.GetPrimary(request.Chat);
            if (!configuration.Enabled)
            {
                return OutboundDecision.Denied(ReasonCode.FeatureDisabled, primary);
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: clockError);
            }

            var actor = ActorOf(request);
            var kindReason = KindReason(request.Chat);
            if (kindReason != ReasonCode.None)
            {
                return await DenyInsideGateAsync(primary, kindReason, null, now, actor, request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
            }

            var view = View(request.Chat, configuration);
            var reason = view.IsRevoked ? ReasonCode.Revoked
                : view.IsPaused ? ReasonCode.Paused
                : request.HasMedia && !configuration.AllowMedia ? ReasonCode.MediaNotAllowed
                : !view.IsService && request.Initiator == Initiator.Agent && !configuration.AllowAgentInitiated ? ReasonCode.AgentInitiatedNotAllowed
                : ReasonCode.None;
            if (reason != ReasonCode.None)
            {
                return await DenyInsideGateAsync(view.Primary, reason, null, now, actor, request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
            }

            if (!view.IsService)
            {
                // No auto-reply, ever: the agent's first contact to a chat that wrote unasked is always a draft.
                var mustDraft = configuration.RequireFirstContactApproval || (request.Initiator == Initiator.Agent && IsRecentlyBlocked(view.Primary, now));
                return mustDraft
                    ? await CreateDraftAsync(request, view, firstContact: true, now, configuration, cancellationToken).ConfigureAwait(false)
                    : await SendFirstContactAsync(request, view, now, configuration, cancellationToken).ConfigureAwait(false);
            }

            if (view.Mode != ServiceChatMode.Autonomous)
            {
                return await CreateDraftAsync(request, view, firstContact: false, now, configuration, cancellationToken).ConfigureAwait(false);
            }

            if (Volatile.Read(ref _checkpointFailure) is { } unsaved)
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: unsaved); // counters that cannot be kept are no limit
            }

            var permit = _limiter.TryAcquireAutonomousSend(view.Primary, now, configuration.MaxAutoSendsPerHour, configuration.MaxConsecutiveSends);
            if (!permit.IsAcquired)
            {
                return await DenyInsideGateAsync(view.Primary, permit.Reason, permit.RetryAfter, now, actor, request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
            }

            RecordAutonomousSend(view);
            if (request.SessionId is not null && view.Session is null)
            {
                // The first send that carries a session binds it (bookkeeping, not an audit event).
                var bound = new PolicyEvent { Type = PolicyEventType.SessionBound, Timestamp = now, Chat = view.Primary, Actor = actor, SessionId = request.SessionId };
                if (await CommitAsync([bound], cancellationToken).ConfigureAwait(false) is { } error)
                {
                    return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
                }
            }

            return new OutboundDecision(OutboundOutcome.Sent, ReasonCode.None, view.Primary, default, request.Text, request.SessionId ?? view.Session, null, false, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<OutboundDecision> CreateDraftAsync(OutboundRequest request, ChatView view, bool firstContact, DateTimeOffset now, PolicyConfiguration configuration, CancellationToken cancellationToken)
    {
        var id = DraftId.New();
        var drafted = new PolicyEvent
        {
            Type = firstContact ? PolicyEventType.FirstContactDrafted : PolicyEventType.DraftCreated,
            Timestamp = now,
            Chat = view.Primary,
            Actor = ActorOf(request),
            DraftId = id.Value,
            SessionId = request.SessionId,
            Text = request.Text,
            HasMedia = request.HasMedia,
            Initiator = request.Initiator,
            ExpiresAt = PolicyClock.AddClamped(now, configuration.DraftTtl),
        };
        if (await CommitAsync([drafted], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
        }

        return new OutboundDecision(OutboundOutcome.Draft, ReasonCode.None, view.Primary, id, null, request.SessionId, null, firstContact, null);
    }

    private async ValueTask<OutboundDecision> SendFirstContactAsync(OutboundRequest request, ChatView view, DateTimeOffset now, PolicyConfiguration configuration, CancellationToken cancellationToken)
    {
        var actor = ActorOf(request);
        var slot = _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay);
        if (!slot.IsAcquired)
        {
            return await DenyInsideGateAsync(view.Primary, slot.Reason, slot.RetryAfter, now, actor, request.Initiator, request.HasMedia, default, cancellationToken).ConfigureAwait(false);
        }

        var sent = new PolicyEvent
        {
            Type = PolicyEventType.FirstContactSent,
            Timestamp = now,
            Chat = view.Primary,
            Actor = actor,
            SessionId = request.SessionId,
            ToMode = configuration.DefaultMode,
            Initiator = request.Initiator,
            Count = 1,
        };
        if (await CommitAsync([sent], cancellationToken).ConfigureAwait(false) is { } error)
        {
            _limiter.ReleaseNewChat(now);
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error);
        }

        return new OutboundDecision(OutboundOutcome.Sent, ReasonCode.None, view.Primary, default, request.Text, request.SessionId, null, true, null);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Drafts

    /// <inheritdoc />
    public async ValueTask<OutboundDecision> ApproveDraftAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(approvedBy, out var actor))
        {
            return OutboundDecision.Denied(ReasonCode.InvalidActor, default, draft: draft); // before anything else, and not audited
        }

        var decision = await ApproveDraftCoreAsync(draft, actor, cancellationToken).ConfigureAwait(false);
        ServiceConversationMetrics.Outbound(decision, approval: true);
        return decision;
    }

    private async ValueTask<OutboundDecision> ApproveDraftCoreAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken)
    {
        if (_sinkFaulted && await EnsureSinksHealthyAsync(cancellationToken).ConfigureAwait(false) is { } sinkError)
        {
            return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, default, error: sinkError, draft: draft);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (draft.Value is null || !_drafts.TryGetValue(draft.Value, out var record))
            {
                return OutboundDecision.Denied(ReasonCode.UnknownDraft, default, draft: draft);
            }

            var primary = _aliases.GetPrimary(record.Chat);
            if (!TryNow(out var now, out var clockError))
            {
                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, primary, error: clockError, draft: draft);
            }

            if (await DecidedOrExpiredAsync(record, now, cancellationToken).ConfigureAwait(false) is { } closed)
            {
                return OutboundDecision.Denied(closed.Reason, primary, error: closed.Error, draft: draft);
            }

            var configuration = Volatile.Read(ref _configuration);
            if (!configuration.Enabled)
            {
                return OutboundDecision.Denied(ReasonCode.FeatureDisabled, primary, draft: draft);
            }

            var view = View(record.Chat, configuration);
            var reason = view.IsRevoked ? ReasonCode.Revoked
                : view.IsPaused ? ReasonCode.Paused
                : record.HasMedia && !configuration.AllowMedia ? ReasonCode.MediaNotAllowed
                : !record.IsFirstContact && !view.IsService ? ReasonCode.UnknownChat
                : ReasonCode.None;
            if (reason != ReasonCode.None)
            {
                return await DenyInsideGateAsync(view.Primary, reason, null, now, approvedBy, record.Initiator, record.HasMedia, draft, cancellationToken).ConfigureAwait(false);
            }

            PolicyEvent[] events;
            var tookSlot = false;
            if (record.IsFirstContact)
            {
                if (!view.IsService)
                {
                    // Checked and reserved inside the gate: no two approvals can overshoot the daily limit.
                    var slot = _limiter.TryAcquireNewChat(now, configuration.MaxNewChatsPerDay);
                    if (!slot.IsAcquired)
                    {
                        return await DenyInsideGateAsync(view.Primary, slot.Reason, slot.RetryAfter, now, approvedBy, record.Initiator, record.HasMedia, draft, cancellationToken).ConfigureAwait(false);
                    }

                    tookSlot = true;
                }

                events =
                [
                    new PolicyEvent { Type = PolicyEventType.FirstContactApproved, Timestamp = now, Chat = view.Primary, Actor = approvedBy, DraftId = draft.Value, SessionId = record.Session },
                    new PolicyEvent
                    {
                        Type = PolicyEventType.FirstContactSent, Timestamp = now, Chat = view.Primary, Actor = approvedBy, DraftId = draft.Value,
                        SessionId = record.Session, ToMode = view.IsService ? view.Mode : configuration.DefaultMode, Initiator = record.Initiator, Count = tookSlot ? 1 : 0,
                    },
                ];
            }
            else
            {
                events = [new PolicyEvent { Type = PolicyEventType.DraftApproved, Timestamp = now, Chat = view.Primary, Actor = approvedBy, DraftId = draft.Value, SessionId = record.Session }];
            }

            if (await CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error)
            {
                if (tookSlot)
                {
                    _limiter.ReleaseNewChat(now);
                }

                return OutboundDecision.Denied(ReasonCode.PolicyUnavailable, view.Primary, error: error, draft: draft);
            }

            var session = _chats.TryGetValue(view.Primary, out var after) ? after.Session ?? record.Session : record.Session;
            return new OutboundDecision(OutboundOutcome.Sent, ReasonCode.None, view.Primary, draft, record.Text, session, null, record.IsFirstContact, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<OperatorResult> RejectDraftAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(rejectedBy, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (draft.Value is null || !_drafts.TryGetValue(draft.Value, out var record))
            {
                return OperatorResult.Failed(ReasonCode.UnknownDraft);
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            if (await DecidedOrExpiredAsync(record, now, cancellationToken).ConfigureAwait(false) is { } closed)
            {
                return OperatorResult.Failed(closed.Reason, closed.Error);
            }

            var rejected = new PolicyEvent
            {
                Type = record.IsFirstContact ? PolicyEventType.FirstContactRejected : PolicyEventType.DraftRejected,
                Timestamp = now,
                Chat = _aliases.GetPrimary(record.Chat),
                Actor = actor,
                DraftId = draft.Value,
            };
            return await CommitAsync([rejected], cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> SweepExpiredDraftsAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryNow(out var now, out var clockError))
            {
                throw new InvalidOperationException("The clock failed; no draft was expired.", clockError);
            }

            var expired = new List<PolicyEvent>();
            foreach (var draft in _drafts.Values)
            {
                if (draft.State == DraftState.Pending && now >= draft.ExpiresAt)
                {
                    expired.Add(ExpiryOf(draft, now));
                }
            }

            if (expired.Count > 0 && await CommitAsync([.. expired], cancellationToken).ConfigureAwait(false) is { } error)
            {
                throw new InvalidOperationException("The state store failed; no draft was expired.", error);
            }

            if (await FlushRollupsAsync(now, all: false, cancellationToken).ConfigureAwait(false) is { } rollupError)
            {
                throw new InvalidOperationException("The state store failed; the roll-up of blocked messages was not written.", rollupError);
            }

            return expired.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    private PolicyEvent ExpiryOf(DraftRecord draft, DateTimeOffset now) => new()
    {
        Type = draft.IsFirstContact ? PolicyEventType.FirstContactExpired : PolicyEventType.DraftExpired,
        Timestamp = now,
        Chat = _aliases.GetPrimary(draft.Chat),
        Actor = SystemActor,
        DraftId = draft.Id.Value,
    };

    /// <summary>
    /// A draft that can no longer be approved or rejected: already decided, or expired (its expiry is audited here,
    /// once, when it is first touched after its time). Null when it is still pending.
    /// </summary>
    private async ValueTask<(ReasonCode Reason, Exception? Error)?> DecidedOrExpiredAsync(DraftRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (record.State)
        {
            case DraftState.Expired:
                return (ReasonCode.DraftExpired, null);
            case DraftState.Pending when now >= record.ExpiresAt:
                var error = await CommitAsync([ExpiryOf(record, now)], cancellationToken).ConfigureAwait(false);
                return error is null ? (ReasonCode.DraftExpired, null) : (ReasonCode.PolicyUnavailable, error);
            case DraftState.Pending:
                return null;
            default:
                return (ReasonCode.DraftAlreadyDecided, null);
        }
    }
}
