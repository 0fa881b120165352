using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    public ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, ServiceChatMode? mode, string approvedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, approvedBy, (view, now, configuration, actor) =>
        {
            var target = mode ?? (view.IsService && view.Record is { IsService: true, Mode: { } current } ? current : configuration.DefaultMode);
            return ([new PolicyEvent { Type = PolicyEventType.ChatApproved, Timestamp = now, Chat = view.Primary, Actor = actor, ToMode = target }], ReasonCode.None);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, changedBy, (view, now, _, actor) =>
        {
            if (!view.IsService)
            {
                return (null, ReasonCode.InvalidState); // approve the chat first; set_mode never makes a service chat
            }

            return view.Record?.Mode == mode
                ? (null, ReasonCode.None)
                : ([new PolicyEvent { Type = PolicyEventType.ModeChanged, Timestamp = now, Chat = view.Primary, Actor = actor, FromMode = view.Mode, ToMode = mode }], ReasonCode.None);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, pausedBy, (view, now, _, actor) =>
        {
            if (!view.IsService)
            {
                return (null, ReasonCode.InvalidState); // pausing must never turn an unknown chat into a delivered one
            }

            return view.IsPaused
                ? (null, ReasonCode.None)
                : ([new PolicyEvent { Type = PolicyEventType.ChatPaused, Timestamp = now, Chat = view.Primary, Actor = actor }], ReasonCode.None);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, resumedBy, (view, now, _, actor) => view.IsPaused
            ? ([new PolicyEvent { Type = PolicyEventType.ChatResumed, Timestamp = now, Chat = view.Primary, Actor = actor, ToMode = view.Mode }], ReasonCode.None)
            : (null, ReasonCode.InvalidState), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, revokedBy, (view, now, _, actor) =>
        {
            if (view.IsRevoked)
            {
                return (null, ReasonCode.None);
            }

            var events = new List<PolicyEvent> { new() { Type = PolicyEventType.ChatRevoked, Timestamp = now, Chat = view.Primary, Actor = actor } };
            foreach (var id in view.Record?.PendingDrafts ?? [])
            {
                if (_drafts.TryGetValue(id, out var draft) && draft.State == DraftState.Pending)
                {
                    // An expired draft is recorded as expired, not cancelled: each draft is decided once.
                    events.Add(now >= draft.ExpiresAt
                        ? ExpiryOf(draft, now)
                        : new PolicyEvent
                        {
                            Type = draft.IsFirstContact ? PolicyEventType.FirstContactCancelled : PolicyEventType.DraftCancelled,
                            Timestamp = now,
                            Chat = view.Primary,
                            Actor = actor,
                            DraftId = id,
                            Reason = ReasonCode.Revoked,
                        });
                }
            }

            return ([.. events], ReasonCode.None);
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(linkedBy, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor);
        }

        if (!ChatAliasRegistry.IsPair(chat, otherChat, out var phone, out var lid))
        {
            var kind = KindReason(chat) != ReasonCode.None ? KindReason(chat) : KindReason(otherChat);
            return OperatorResult.Failed(kind != ReasonCode.None ? kind : ReasonCode.InvalidState);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var phoneLinked = _aliases.TryGetAlias(phone, out var phonesLid);
            var lidLinked = _aliases.TryGetAlias(lid, out _);
            if (phoneLinked && phonesLid == lid)
            {
                return OperatorResult.Success;
            }

            if (phoneLinked || lidLinked)
            {
                return OperatorResult.Failed(ReasonCode.InvalidState); // links are never moved
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = now, Chat = phone, Alias = lid, Actor = actor };
            return await CommitAsync([linked], cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The shape of every chat-level operator action: kind check, then under the gate a decision on the current view,
    /// then one atomic commit. Operator actions work while the feature is off.
    /// </summary>
    private async ValueTask<OperatorResult> OperateAsync(
        ChatId chat,
        string requestedActor,
        Func<ChatView, DateTimeOffset, Configuration.PolicyConfiguration, string, (PolicyEvent[]? Events, ReasonCode Reason)> decide,
        CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(requestedActor, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor); // before anything else, and not audited
        }

        var kindReason = KindReason(chat);
        if (kindReason != ReasonCode.None)
        {
            return OperatorResult.Failed(kindReason);
        }

        if (_sinkFaulted && await EnsureSinksHealthyAsync(cancellationToken).ConfigureAwait(false) is { } sinkError)
        {
            return OperatorResult.Failed(ReasonCode.PolicyUnavailable, sinkError);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            var configuration = Volatile.Read(ref _configuration);
            var (events, reason) = decide(View(chat, configuration), now, configuration, actor);
            if (reason != ReasonCode.None)
            {
                return OperatorResult.Failed(reason);
            }

            if (events is null)
            {
                return OperatorResult.Success; // already in effect: idempotent, nothing to record
            }

            return await CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _gate.Release();
        }
    }
}
