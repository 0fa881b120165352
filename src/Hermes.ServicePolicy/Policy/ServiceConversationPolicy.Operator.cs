using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    private delegate (PolicyEvent[]? Events, ReasonCode Reason) ChatAction(StateProjection state, in ChatView view, DateTimeOffset now, PolicyConfiguration configuration, string actor);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default)
        => OperateAsync(chat, approvedBy, (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration configuration, string actor) => OperatorRules.ApproveChat(view, mode, now, configuration, actor, IsOperatorChat(view.Primary, configuration)), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, changedBy, (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.SetMode(view, mode, now, actor), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, pausedBy, static (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Pause(view, now, actor), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, resumedBy, static (StateProjection _, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Resume(view, now, actor), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken = default)
        => OperateAsync(chat, revokedBy, static (StateProjection state, in ChatView view, DateTimeOffset now, PolicyConfiguration _, string actor) => OperatorRules.Revoke(state, view, now, actor), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> ApproveChatAsync(string target, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default)
        => await ResolveAsync(target, cancellationToken).ConfigureAwait(false) is { IsResolved: true } resolved
            ? await ApproveChatAsync(resolved.Chat, approvedBy, mode, cancellationToken).ConfigureAwait(false)
            : await UnresolvedAsync(target, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> SetModeAsync(string target, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default)
        => await ResolveAsync(target, cancellationToken).ConfigureAwait(false) is { IsResolved: true } resolved
            ? await SetModeAsync(resolved.Chat, mode, changedBy, cancellationToken).ConfigureAwait(false)
            : await UnresolvedAsync(target, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> PauseAsync(string target, string pausedBy, CancellationToken cancellationToken = default)
        => await ResolveAsync(target, cancellationToken).ConfigureAwait(false) is { IsResolved: true } resolved
            ? await PauseAsync(resolved.Chat, pausedBy, cancellationToken).ConfigureAwait(false)
            : await UnresolvedAsync(target, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> ResumeAsync(string target, string resumedBy, CancellationToken cancellationToken = default)
        => await ResolveAsync(target, cancellationToken).ConfigureAwait(false) is { IsResolved: true } resolved
            ? await ResumeAsync(resolved.Chat, resumedBy, cancellationToken).ConfigureAwait(false)
            : await UnresolvedAsync(target, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<OperatorResult> RevokeAsync(string target, string revokedBy, CancellationToken cancellationToken = default)
        => await ResolveAsync(target, cancellationToken).ConfigureAwait(false) is { IsResolved: true } resolved
            ? await RevokeAsync(resolved.Chat, revokedBy, cancellationToken).ConfigureAwait(false)
            : await UnresolvedAsync(target, cancellationToken).ConfigureAwait(false);

    private ValueTask<Targeting.TargetResolution> ResolveAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Resolver.ResolveAsync(target, cancellationToken);
    }

    private async ValueTask<OperatorResult> UnresolvedAsync(string target, CancellationToken cancellationToken)
        => OperatorResult.Failed((await ResolveAsync(target, cancellationToken).ConfigureAwait(false)).Reason);

    /// <inheritdoc />
    public ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default)
        => _shared ? LinkAliasSharedAsync(chat, otherChat, linkedBy, cancellationToken) : LinkAliasOnceAsync(chat, otherChat, linkedBy, cancellationToken);

    private async ValueTask<OperatorResult> LinkAliasOnceAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default)
    {
        if (!ActorNames.TryValidate(linkedBy, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor);
        }

        if (!ChatAliasRegistry.IsPair(chat, otherChat, out var phone, out var lid))
        {
            var kind = OutboundRules.KindReason(chat) != ReasonCode.None ? OutboundRules.KindReason(chat) : OutboundRules.KindReason(otherChat);
            return OperatorResult.Failed(kind != ReasonCode.None ? kind : ReasonCode.InvalidState);
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
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

            var configuration = Volatile.Read(ref _configuration);
            var phoneView = _state.View(phone, configuration);
            var lidView = _state.View(lid, configuration);
            if ((configuration.IsOperator(phone, default) && lidView.IsService) || (configuration.IsOperator(lid, default) && phoneView.IsService))
            {
                return OperatorResult.Failed(ReasonCode.InvalidState); // an operator chat never becomes one with a service chat
            }

            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = now, Chat = phone, Alias = lid, Actor = actor };
            return await _journal.CommitAsync([linked], cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>
    /// The shape of every chat-level operator action: actor and kind checks, then under the gate a pure decision on the
    /// current view, then one atomic commit. Operator actions work while the feature is off.
    /// </summary>
    private ValueTask<OperatorResult> OperateAsync(ChatId chat, string requestedActor, ChatAction decide, CancellationToken cancellationToken)
        => _shared ? OperateSharedAsync(chat, requestedActor, decide, cancellationToken) : OperateOnceAsync(chat, requestedActor, decide, cancellationToken);

    private async ValueTask<OperatorResult> OperateOnceAsync(ChatId chat, string requestedActor, ChatAction decide, CancellationToken cancellationToken)
    {
        if (!ActorNames.TryValidate(requestedActor, out var actor))
        {
            return OperatorResult.Failed(ReasonCode.InvalidActor); // before anything else, and not audited
        }

        var kindReason = OutboundRules.KindReason(chat);
        if (kindReason != ReasonCode.None)
        {
            return OperatorResult.Failed(kindReason);
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryNow(out var now, out var clockError))
            {
                return OperatorResult.Failed(ReasonCode.PolicyUnavailable, clockError);
            }

            var configuration = Volatile.Read(ref _configuration);
            var (events, reason) = decide(_state, _state.View(chat, configuration), now, configuration, actor);
            if (reason != ReasonCode.None)
            {
                return OperatorResult.Failed(reason);
            }

            if (events is null)
            {
                return OperatorResult.Success; // already in effect: idempotent, nothing to record
            }

            return await _journal.CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error
                ? OperatorResult.Failed(ReasonCode.PolicyUnavailable, error)
                : OperatorResult.Success;
        }
        finally
        {
            _journal.Exit();
        }
    }
}
