using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>What an operator action decides on the chat's view: the events to write (null: already in effect), or a refusal.</summary>
internal delegate (PolicyEvent[]? Events, ReasonCode Reason) ChatAction(StateProjection state, in ChatView view, DateTimeOffset now, PolicyConfiguration configuration, string actor);

/// <summary>
/// Operator actions on a chat (docs/behaviour.md#operator-actions): approve, set mode, pause, resume, revoke, hand
/// back, link aliases. Each has one shape: actor and kind checks, then a pure decision (<see cref="OperatorRules"/>) on the view
/// inside the unit of work, then one atomic commit. They work while the feature is off.
/// </summary>
internal sealed class OperatorActions
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;

    public OperatorActions(PolicyCore core)
    {
        _core = core;
        _state = core.State;
    }

    public ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, string approvedBy, ServiceChatMode? mode, CancellationToken cancellationToken)
        => OperateAsync(chat, approvedBy, (StateProjection state, in ChatView view, DateTimeOffset now, PolicyConfiguration configuration, string actor) => OperatorRules.ApproveChat(view, mode, now, configuration, actor, _core.IsOperatorChat(view.Primary, configuration)), cancellationToken);

    public ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken)
        => OperateAsync(chat, changedBy, (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.SetMode(view, mode, now, actor), cancellationToken);

    public ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken)
        => OperateAsync(chat, pausedBy, static (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Pause(view, now, actor), cancellationToken);

    public ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken)
        => OperateAsync(chat, resumedBy, static (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Resume(view, now, actor), cancellationToken);

    public ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken)
        => OperateAsync(chat, revokedBy, static (StateProjection state, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Revoke(state, view, now, actor), cancellationToken);

    public ValueTask<OperatorResult> HandBackAsync(ChatId chat, string handedBackBy, CancellationToken cancellationToken)
        => OperateAsync(chat, handedBackBy, static (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.HandBack(view, now, actor), cancellationToken);

    public ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(linkedBy, out var actor))
        {
            return new(OperatorResult.Failed(ReasonCode.InvalidActor));
        }

        if (!ChatAliasRegistry.IsPair(chat, otherChat, out var phone, out var lid))
        {
            var kind = ChatView.KindReason(chat) != ReasonCode.None ? ChatView.KindReason(chat) : ChatView.KindReason(otherChat);
            return new(OperatorResult.Failed(kind != ReasonCode.None ? kind : ReasonCode.InvalidState));
        }

        return _core.Work.DecideAsync(
            (Actions: this, Phone: phone, Lid: lid, Actor: actor),
            static (scope, a, ct) => a.Actions.LinkInsideAsync(scope, a.Phone, a.Lid, a.Actor, ct),
            static (_, error) => OperatorResult.Failed(ReasonCode.PolicyUnavailable, error),
            cancellationToken);
    }

    private async ValueTask<OperatorResult> LinkInsideAsync(ChangeScope scope, ChatId phone, ChatId lid, string actor, CancellationToken cancellationToken)
    {
        var phoneLinked = _state.Aliases.TryGetAlias(phone, out var phonesLid);
        var lidLinked = _state.Aliases.TryGetAlias(lid, out _);
        if (phoneLinked && phonesLid == lid)
        {
            return OperatorResult.Success;
        }

        if (phoneLinked || lidLinked)
        {
            return OperatorResult.Failed(ReasonCode.InvalidState); // links are never moved
        }

        var configuration = scope.Configuration;
        var phoneView = _state.View(phone, configuration);
        var lidView = _state.View(lid, configuration);
        if ((configuration.IsOperator(phone, default) && lidView.IsService) || (configuration.IsOperator(lid, default) && phoneView.IsService))
        {
            return OperatorResult.Failed(ReasonCode.InvalidState); // an operator chat never becomes one with a service chat
        }

        var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = scope.Now, Chat = phone, Alias = lid, Actor = actor };
        return await scope.CommitAsync(linked, cancellationToken).ConfigureAwait(false) is { } error
            ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
            : OperatorResult.Success;
    }

    private ValueTask<OperatorResult> OperateAsync(ChatId chat, string requestedActor, ChatAction decide, CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(requestedActor, out var actor))
        {
            return new(OperatorResult.Failed(ReasonCode.InvalidActor)); // before anything else, and not audited
        }

        var kindReason = ChatView.KindReason(chat);
        if (kindReason != ReasonCode.None)
        {
            return new(OperatorResult.Failed(kindReason));
        }

        return _core.Work.DecideAsync(
            (State: _state, Chat: chat, Actor: actor, Decide: decide),
            static (scope, a, ct) => CommitAsync(scope, a.Decide(a.State, a.State.View(a.Chat, scope.Configuration), scope.Now, scope.Configuration, a.Actor), ct),
            static (_, error) => OperatorResult.Failed(ReasonCode.PolicyUnavailable, error),
            cancellationToken);
    }

    private static async ValueTask<OperatorResult> CommitAsync(ChangeScope scope, (PolicyEvent[]? Events, ReasonCode Reason) decided, CancellationToken cancellationToken)
    {
        if (decided.Reason != ReasonCode.None)
        {
            return OperatorResult.Failed(decided.Reason);
        }

        if (decided.Events is null)
        {
            return OperatorResult.Success; // already in effect: idempotent, nothing to record
        }

        return await scope.CommitAsync(decided.Events, cancellationToken).ConfigureAwait(false) is { } error
            ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
            : OperatorResult.Success;
    }
}
