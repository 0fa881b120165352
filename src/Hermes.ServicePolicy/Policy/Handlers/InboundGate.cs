using System;
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
/// link, a command, a promotion), traced while someone listens.
/// Owner-typed messages go to <see cref="OwnerMessages"/>, blocks to <see cref="BlockWriter"/>.
/// </summary>
internal sealed class InboundGate
{
    private readonly PolicyCore _core;
    private readonly StateProjection _state;
    private readonly Journal _journal;
    private readonly ConfigurationSlot _settings;
    private readonly BlockWriter _blocks;
    private readonly OwnerMessages _owner;
    private readonly System.Diagnostics.ActivitySource? _tracing;
    private readonly bool _shared;

    public InboundGate(PolicyCore core, BlockWriter blocks, OwnerMessages owner)
    {
        _core = core;
        _state = core.State;
        _journal = core.Journal;
        _settings = core.Settings;
        _shared = core.Shared;
        _blocks = blocks;
        _owner = owner;
        _tracing = core.Tracing;
    }

    public ValueTask<InboundDecision> DecideAsync(in InboundMessage message, CancellationToken cancellationToken)
    {
        // The hot path: a service chat's reply. One lookup, no clock, no lock, no allocation. Every other case leaves
        // through one call, so this frame stays small (its locals are zeroed on every call).
        var configuration = _settings.Current;
        if (configuration.Enabled && !message.FromOwner && message.Chat.IsOneToOne
            && (message.AlternateChat.IsEmpty || !NeedsAliasLink(message, configuration)))
        {
            var view = _state.View(message.Chat, configuration);
            if (view.IsService && (view.Record is null || view.Record.Changed <= _journal.Durable)
                && (!_shared || view.Slot is { AwaitingReply: 0 })
                && (message.Text is null || !configuration.IsPlainTextOnly(message.Text))
                && !(configuration.AutoPromote && InboundRules.CanPromote(view)))
            {
                if (view.Slot is not { AwaitingReply: 0 })
                {
                    RecordReply(view);
                }

                var decision = InboundDecision.Delivered(view.Primary, view.Session, false, message.HasMedia && !configuration.AllowMedia);
                _core.Metrics.Inbound(decision); // counted, not traced: a span would cost thirty times the decision
                return new(decision);
            }
        }

        return DecideOtherAsync(message, configuration, cancellationToken);
    }

    /// <summary>The owner's messages, a disabled policy, and everything the hot path does not answer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<InboundDecision> DecideOtherAsync(InboundMessage message, PolicyConfiguration configuration, CancellationToken cancellationToken)
        => _tracing is { } source && source.HasListeners()
            ? PolicyTracing.InboundAsync(source, (Gate: this, Message: message, Configuration: configuration, Token: cancellationToken), static a => a.Gate.DecideUntracedAsync(a.Message, a.Configuration, a.Token))
            : DecideUntracedAsync(message, configuration, cancellationToken);

    /// <summary>Everything but the hot path, outside any span (<see cref="PolicyTracing"/> wraps it in one).</summary>
    private ValueTask<InboundDecision> DecideUntracedAsync(InboundMessage message, PolicyConfiguration configuration, CancellationToken cancellationToken)
    {
        if (message.FromOwner)
        {
            return _owner.DecideAsync(message, cancellationToken); // never a provider's reply: not the hot path's business
        }

        if (!configuration.Enabled)
        {
            return Done(configuration.OperatorChats.Count > 0 && OperatorChatMessages.Decide(_state, message, configuration) is { } owner
                ? owner
                : InboundDecision.Blocked(ReasonCode.FeatureDisabled, _state.PrimaryOf(message.Chat)));
        }

        return DecideSlowAsync(message, cancellationToken);
    }

    private ValueTask<InboundDecision> Done(InboundDecision decision)
    {
        _core.Metrics.Inbound(decision);
        return new(decision);
    }

    private async ValueTask<InboundDecision> DecideSlowAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = await _core.Work.RetryAsync((Gate: this, Message: message), static (a, ct) => a.Gate.DecideOnceAsync(a.Message, ct), cancellationToken).ConfigureAwait(false);

        // Delivered on a state another change made but has not made durable yet (group commit): wait for it first.
        if (decision.IsDelivered && await _journal.SyncAsync(_journal.Position, cancellationToken).ConfigureAwait(false) is { } error)
        {
            decision = InboundDecision.Blocked(ReasonCode.PolicyUnavailable, decision.Chat, error);
        }

        _core.Metrics.Inbound(decision);
        return decision;
    }

    /// <summary>A transport's alternate JID links a phone and a LID when either is a known chat and neither is linked yet.</summary>
    private bool NeedsAliasLink(InboundMessage message, PolicyConfiguration configuration)
    {
        var alternate = message.AlternateChat;
        if (alternate.IsEmpty || !ChatAliasRegistry.IsPair(message.Chat, alternate, out var phone, out var lid))
        {
            return false;
        }

        if (_state.Aliases.TryGetAlias(phone, out _) || _state.Aliases.TryGetAlias(lid, out _))
        {
            return false; // already linked (to each other or elsewhere): links are never moved
        }

        return _state.Chats.ContainsKey(phone) || _state.Chats.ContainsKey(lid)
            || configuration.IsConfigured(phone, default) || configuration.IsConfigured(lid, default);
    }

    /// <summary>
    /// A reply arrived: resets the chat's consecutive-sends counter. For a chat with a slot the limiter is asked only
    /// when an autonomous send is waiting for a reply, so the usual reply costs no second lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordReply(in ChatView view)
    {
        if (view.Slot is { } slot)
        {
            if (Volatile.Read(ref slot.AwaitingReply) == 0)
            {
                return;
            }

            Volatile.Write(ref slot.AwaitingReply, 0); // cleared first: a send racing this reply marks it again
        }

        if (_core.Limiter.RecordReply(view.Primary))
        {
            _core.Checkpoints.MarkDue();
        }
    }

    private ValueTask<InboundDecision> DecideOnceAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (_settings.Current is { OperatorChats.Count: > 0 } withOperators && OperatorChatMessages.Decide(_state, message, withOperators) is { } owner)
        {
            return new(owner);
        }

        var kindReason = OutboundRules.KindReason(message.Chat);
        if (kindReason != ReasonCode.None)
        {
            return _blocks.BlockAsync(message.Chat, kindReason, cancellationToken);
        }

        // Unknown and revoked chats are blocked without the gate while their audit event is suppressed, so a flood
        // from one chat does not queue behind operator actions.
        var snapshot = _settings.Current;
        if (snapshot.Enabled && !NeedsAliasLink(message, snapshot))
        {
            var early = _state.View(message.Chat, snapshot);
            if (early.IsRevoked || !early.IsService)
            {
                return _blocks.BlockAsync(early.Primary, early.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken);
            }
        }

        return _core.Work.RunAsync(
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

        if (NeedsAliasLink(message, configuration))
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
            return await _blocks.BlockInsideAsync(scope, view.Primary, view.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken).ConfigureAwait(false);
        }

        var asPlainText = message.Text is not null && configuration.IsPlainTextOnly(message.Text);
        var events = InboundRules.Delivery(view, asPlainText, configuration, now);
        if (events.Length > 0 && await scope.CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error);
        }

        if (!_shared)
        {
            RecordReply(view);
        }
        else if (await RecordSharedReplyAsync(scope, view, cancellationToken).ConfigureAwait(false) is { } replyError)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, replyError);
        }

        return InboundDecision.Delivered(view.Primary, view.Session, asPlainText, message.HasMedia && !configuration.AllowMedia);
    }

    /// <summary>A reply with a shared store: every process must reset its count of sends in a row, so it is an event.</summary>
    private async ValueTask<Exception?> RecordSharedReplyAsync(ChangeScope scope, ChatView view, CancellationToken cancellationToken)
    {
        if (_core.Limiter.CountConsecutiveSends(view.Primary) > 0
            && await scope.CommitAsync(new PolicyEvent { Type = PolicyEventType.ReplyReceived, Timestamp = scope.Now, Chat = view.Primary, Actor = ActorNames.SystemActor }, cancellationToken).ConfigureAwait(false) is { } error)
        {
            return error;
        }

        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 0);
        }

        return null;
    }
}
