using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Inbound decisions (docs/behaviour.md, "Inbound"): the hot path for a service chat's reply (one lookup, no clock, no
/// lock, no allocation, no span: docs/observability.md), and the slow path for everything that writes (a block, an alias
/// link, a command, a promotion), traced while someone listens. Blocks are audited without letting strangers grow the
/// log (docs/behaviour.md#audit-events, <c>inbound_blocked</c>): <see cref="BlockLedger"/> counts them, this class writes
/// them; the sweep writes the roll-ups (<see cref="Maintenance"/>). Owner-typed messages go to <see cref="OwnerMessages"/>,
/// a reply's end of the chat's run of agent sends to <see cref="Replies"/>.
/// </summary>
internal sealed class InboundGate(PolicyCore core, Replies replies, OwnerMessages owner)
{
    private readonly StateProjection _state = core.State;
    private readonly ChatTable _chats = core.State.Chats; // the hot path's own references: each is a dependent load fewer than _state.Chats
    private readonly ChatAliasRegistry _aliases = core.State.Aliases;
    private readonly PolicyMetrics _metrics = core.Metrics;
    private readonly Journal _journal = core.Journal;
    private readonly ConfigurationSlot _settings = core.Settings;
    private readonly System.Diagnostics.ActivitySource? _tracing = core.Tracing;
    private readonly bool _shared = core.Shared;

    public ValueTask<InboundDecision> DecideAsync(in InboundMessage message, CancellationToken cancellationToken)
    {
        // The hot path: a reply in a chat with a service record, nothing to reset. One lookup, no clock, no lock, no
        // allocation, no struct local (the frame is zeroed on every call): every other case leaves through one call.
        var configuration = _settings.Current;
        if (configuration.Enabled && !message.FromOwner && message.Chat.IsOneToOne
            && (message.AlternateChat.IsEmpty || !_state.NeedsAliasLink(message.Chat, message.AlternateChat, configuration)))
        {
            var primary = _aliases.GetPrimary(message.Chat);
            if (!_chats.TryGetSlot(primary, out var slot))
            {
                return DecideConfiguredAsync(message, configuration, primary, cancellationToken);
            }

            if (slot.AwaitingReply != 0 || configuration.AutoPromote || slot.Record is not { IsService: true, Revoked: false } record)
            {
                return DecideViewedAsync(message, configuration, primary, slot, cancellationToken);
            }

            if (record.Changed <= _journal.Durable && (message.Text is null || !configuration.IsPlainTextOnly(message.Text)))
            {
                return Done(InboundDecision.Delivered(primary, record.Session, false, message.HasMedia && !configuration.AllowMedia));
            }
        }

        return DecideOtherAsync(message, configuration, cancellationToken);
    }

    /// <summary>
    /// The lock-free path of a chat without a slot, approved by configuration (the chat itself, else its alias), delivered
    /// as <see cref="InboundRules.DeliversWithoutGate"/> would over its view (no record: nothing to promote, nothing to sync).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<InboundDecision> DecideConfiguredAsync(in InboundMessage message, PolicyConfiguration configuration, ChatId primary, CancellationToken cancellationToken)
    {
        if (_shared || !(configuration.IsConfigured(primary) || (_aliases.TryGetAlias(primary, out var alias) && configuration.IsConfigured(alias)))
            || (message.Text is not null && configuration.IsPlainTextOnly(message.Text)))
        {
            return DecideOtherAsync(message, configuration, cancellationToken);
        }

        replies.Record(primary); // a configured chat's autonomous sends are counted by the limiter alone
        return Done(InboundDecision.Delivered(primary, null, false, message.HasMedia && !configuration.AllowMedia));
    }

    /// <summary>The rest of the lock-free path, over the chat's view (<see cref="InboundRules.DeliversWithoutGate"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<InboundDecision> DecideViewedAsync(in InboundMessage message, PolicyConfiguration configuration, ChatId primary, ChatSlot slot, CancellationToken cancellationToken)
    {
        var view = StateProjection.View(_aliases, primary, slot, configuration);
        if (!InboundRules.DeliversWithoutGate(view, message, configuration, _journal.Durable, _shared))
        {
            return DecideOtherAsync(message, configuration, cancellationToken);
        }

        replies.Record(view); // the reply ends the agent's run of sends
        return Done(InboundDecision.Delivered(view.Primary, view.Session, false, message.HasMedia && !configuration.AllowMedia));
    }

    /// <summary>The owner's messages, a disabled policy, and everything the hot path does not answer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<InboundDecision> DecideOtherAsync(in InboundMessage message, PolicyConfiguration configuration, CancellationToken cancellationToken)
        => _tracing is { } source && source.HasListeners()
            ? PolicyTracing.InboundAsync(source, (Gate: this, Message: message, Configuration: configuration, Token: cancellationToken), static a => a.Gate.DecideUntracedAsync(a.Message, a.Configuration, a.Token))
            : DecideUntracedAsync(message, configuration, cancellationToken);

    /// <summary>Everything but the hot path, outside any span (<see cref="PolicyTracing"/> wraps it in one).</summary>
    private ValueTask<InboundDecision> DecideUntracedAsync(InboundMessage message, PolicyConfiguration configuration, CancellationToken cancellationToken)
    {
        if (message.FromOwner)
        {
            return owner.DecideAsync(message, cancellationToken); // never a provider's reply: not the hot path's business
        }

        if (!configuration.Enabled)
        {
            return Done(configuration.OperatorChats.Count > 0 && OperatorChatMessages.Decide(_state, message, configuration) is { } owner
                ? owner
                : InboundDecision.Blocked(ReasonCode.FeatureDisabled, _state.PrimaryOf(message.Chat)));
        }

        return DecideSlowAsync(message, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<InboundDecision> Done(in InboundDecision decision)
    {
        _metrics.Inbound(decision); // counted, not traced: a span would cost thirty times the hot path's decision
        return new(decision);
    }

    private async ValueTask<InboundDecision> DecideSlowAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = await core.Work.RetryAsync((Gate: this, Message: message), static (a, ct) => a.Gate.DecideOnceAsync(a.Message, ct), cancellationToken).ConfigureAwait(false);

        // Delivered on a state another change made but has not made durable yet (group commit): wait for it first.
        if (decision.IsDelivered && await _journal.SyncAsync(_journal.Position, cancellationToken).ConfigureAwait(false) is { } error)
        {
            decision = InboundDecision.Blocked(ReasonCode.PolicyUnavailable, decision.Chat, error);
        }

        _metrics.Inbound(decision);
        return decision;
    }

    private ValueTask<InboundDecision> DecideOnceAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (_settings.Current is { OperatorChats.Count: > 0 } withOperators && OperatorChatMessages.Decide(_state, message, withOperators) is { } owner)
        {
            return new(owner);
        }

        var kindReason = ChatView.KindReason(message.Chat);
        if (kindReason != ReasonCode.None)
        {
            return BlockAsync(message.Chat, kindReason, cancellationToken);
        }

        // Unknown and revoked chats are blocked without the gate while their audit event is suppressed, so a flood
        // from one chat does not queue behind operator actions.
        var snapshot = _settings.Current;
        if (snapshot.Enabled && !_state.NeedsAliasLink(message.Chat, message.AlternateChat, snapshot))
        {
            var early = _state.View(message.Chat, snapshot);
            if (early.IsRevoked || !early.IsService)
            {
                return BlockAsync(early.Primary, early.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken);
            }
        }

        return core.Work.RunAsync(
            (Gate: this, Message: message),
            static (scope, a, ct) => a.Gate.DecideInsideAsync(scope, a.Message, ct),
            static (a, error) => InboundDecision.Blocked(ReasonCode.PolicyUnavailable, a.Gate._state.PrimaryOf(a.Message.Chat), error),
            cancellationToken);
    }

    private async ValueTask<InboundDecision> DecideInsideAsync(ChangeScope scope, InboundMessage message, CancellationToken cancellationToken)
    {
        var (configuration, now) = (scope.Configuration, scope.Now);
        if (!configuration.Enabled)
        {
            return InboundDecision.Blocked(ReasonCode.FeatureDisabled, _state.PrimaryOf(message.Chat));
        }

        if (_state.NeedsAliasLink(message.Chat, message.AlternateChat, configuration))
        {
            ChatAliasRegistry.IsPair(message.Chat, message.AlternateChat, out var phone, out var lid);
            var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = now, Chat = phone, Alias = lid, Actor = ActorNames.SystemActor };
            if (await scope.CommitAsync(linked, cancellationToken).ConfigureAwait(false) is { } linkError)
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _state.PrimaryOf(message.Chat), linkError);
            }
        }

        var view = _state.View(message.Chat, configuration);
        if (view.IsRevoked || !view.IsService)
        {
            return await BlockInsideAsync(scope, view.Primary, view.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken).ConfigureAwait(false);
        }

        var asPlainText = message.Text is not null && configuration.IsPlainTextOnly(message.Text);
        var events = InboundRules.Delivery(view, asPlainText, configuration, now);
        if (events.Length > 0 && await scope.CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error);
        }

        if (!_shared)
        {
            replies.Record(view);
        }
        else if (await replies.RecordSharedAsync(scope, view, cancellationToken).ConfigureAwait(false) is { } replyError)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, replyError);
        }

        return InboundDecision.Delivered(view.Primary, view.Session, asPlainText, message.HasMedia && !configuration.AllowMedia);
    }

    /// <summary>Blocks a message; while its event is suppressed, without the gate (a flood waits behind nothing).</summary>
    private ValueTask<InboundDecision> BlockAsync(ChatId chat, ReasonCode reason, CancellationToken cancellationToken)
    {
        if (!core.Work.TryNow(out var now, out var clockError))
        {
            return new(InboundDecision.Blocked(ReasonCode.PolicyUnavailable, chat, clockError));
        }

        var primary = _state.PrimaryOf(chat);
        if (!_state.Blocks.RollupDue(BlockLedger.HourOf(now)) && _state.Blocks.TrySuppress(primary, reason, now))
        {
            core.Checkpoints.MarkDue();
            return new(InboundDecision.Blocked(reason, primary));
        }

        return core.Work.RunAtAsync(now, (Gate: this, Chat: primary, Reason: reason), static (scope, a, ct) => a.Gate.BlockInsideAsync(scope, a.Chat, a.Reason, ct), cancellationToken);
    }

    /// <summary>Blocks a message inside the gate: an event unless suppressed or over the hourly cap (then counted for the roll-up).</summary>
    private async ValueTask<InboundDecision> BlockInsideAsync(ChangeScope scope, ChatId primary, ReasonCode reason, CancellationToken cancellationToken)
    {
        var events = new List<PolicyEvent>(2);
        var blocks = _state.Blocks;
        var rolledUp = blocks.Block(primary, reason, scope.Now, events, ActorNames.SystemActor);
        core.Checkpoints.MarkDue();
        if (events.Count > 0 && await scope.CommitAsync([.. events], cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, primary, error);
        }

        if (rolledUp is not null)
        {
            blocks.ClearRollups(rolledUp);
        }

        return InboundDecision.Blocked(reason, primary);
    }
}
