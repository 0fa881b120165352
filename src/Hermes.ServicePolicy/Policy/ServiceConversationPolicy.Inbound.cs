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
    /// <inheritdoc />
    public ValueTask<InboundDecision> DecideInboundAsync(InboundMessage message, CancellationToken cancellationToken = default)
    {
        if (message.FromOwner)
        {
            return DecideOwnerMessageAsync(message, cancellationToken); // never a provider's reply: not the hot path's business
        }

        var configuration = Volatile.Read(ref _configuration);
        if (!configuration.Enabled)
        {
            return Done(configuration.OperatorChats.Count > 0 && OperatorDecision(message, configuration) is { } owner
                ? owner
                : InboundDecision.Blocked(ReasonCode.FeatureDisabled, _state.PrimaryOf(message.Chat)));
        }

        // The hot path: a service chat's reply. One lookup, no clock, no lock, no allocation. Everything that
        // writes (a block, an alias link, a command, a promotion) takes the slow path.
        if (message.Chat.IsOneToOne && (message.AlternateChat.IsEmpty || !NeedsAliasLink(message, configuration)))
        {
            var view = _state.View(message.Chat, configuration);
            if (view.IsService && (view.Record is null || view.Record.Changed <= _journal.Durable)
                && (!_shared || view.Slot is { AwaitingReply: 0 })
                && (message.Text is null || !configuration.IsPlainTextOnly(message.Text))
                && !(configuration.AutoPromote && InboundRules.CanPromote(view)))
            {
                RecordReply(view);
                return Done(InboundDecision.Delivered(view.Primary, view.Session, false, message.HasMedia && !configuration.AllowMedia));
            }
        }

        return DecideInboundSlowAsync(message, cancellationToken);
    }

    /// <summary>An operator chat's message (under any alias): the owner's own, never a service message nor blocked.</summary>
    private InboundDecision? OperatorDecision(InboundMessage message, PolicyConfiguration configuration)
    {
        var primary = _state.PrimaryOf(message.Chat);
        _state.Aliases.TryGetAlias(primary, out var alias);
        if (!configuration.IsOperator(primary, alias) && !(message.AlternateChat.IsOneToOne && configuration.IsOperator(message.AlternateChat, default)))
        {
            return null;
        }

        var operatorChat = configuration.IsOperator(primary, default) || alias.IsEmpty ? primary : alias;
        return InboundDecision.FromOperator(configuration.IsOperator(operatorChat, default) ? operatorChat : primary, message.Text is not null && configuration.OperatorCommand.Arguments(message.Text) is not null);
    }

    private async ValueTask<InboundDecision> DecideInboundSlowAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = _shared
            ? await DecideInboundSharedAsync(message, cancellationToken).ConfigureAwait(false)
            : await DecideInboundCoreAsync(message, cancellationToken).ConfigureAwait(false);

        // Delivered on a state another change made but has not made durable yet (group commit): wait for it first.
        if (decision.IsDelivered && await _journal.SyncAsync(_journal.Position, cancellationToken).ConfigureAwait(false) is { } error)
        {
            decision = InboundDecision.Blocked(ReasonCode.PolicyUnavailable, decision.Chat, error);
        }

        _metrics.Inbound(decision);
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

        if (_limiter.RecordReply(view.Primary))
        {
            _checkpoints.MarkDue();
        }
    }

    private async ValueTask<InboundDecision> DecideInboundCoreAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _configuration) is { OperatorChats.Count: > 0 } withOperators && OperatorDecision(message, withOperators) is { } owner)
        {
            return owner;
        }

        var kindReason = OutboundRules.KindReason(message.Chat);
        if (kindReason != ReasonCode.None)
        {
            return await BlockAsync(message.Chat, kindReason, cancellationToken).ConfigureAwait(false);
        }

        // Unknown and revoked chats are blocked without the gate while their audit event is suppressed, so a flood
        // from one chat does not queue behind operator actions.
        var snapshot = Volatile.Read(ref _configuration);
        if (snapshot.Enabled && !NeedsAliasLink(message, snapshot))
        {
            var early = _state.View(message.Chat, snapshot);
            if (early.IsRevoked || !early.IsService)
            {
                return await BlockAsync(early.Primary, early.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken).ConfigureAwait(false);
            }
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configuration = Volatile.Read(ref _configuration);
            if (!configuration.Enabled)
            {
                return InboundDecision.Blocked(ReasonCode.FeatureDisabled, _state.PrimaryOf(message.Chat));
            }

            if (!TryNow(out var now, out var clockError))
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _state.PrimaryOf(message.Chat), clockError);
            }

            if (NeedsAliasLink(message, configuration))
            {
                ChatAliasRegistry.IsPair(message.Chat, message.AlternateChat, out var phone, out var lid);
                var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = now, Chat = phone, Alias = lid, Actor = SystemActor };
                if (await _journal.CommitAsync([linked], cancellationToken).ConfigureAwait(false) is { } linkError)
                {
                    return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _state.PrimaryOf(message.Chat), linkError);
                }
            }

            var view = _state.View(message.Chat, configuration);
            if (view.IsRevoked || !view.IsService)
            {
                return await BlockInsideGateAsync(view.Primary, view.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, now, cancellationToken).ConfigureAwait(false);
            }

            var asPlainText = message.Text is not null && configuration.IsPlainTextOnly(message.Text);
            var events = InboundRules.Delivery(view, asPlainText, configuration, now);
            if (events.Length > 0 && await _journal.CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error)
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error);
            }

            if (!_shared)
            {
                RecordReply(view);
            }
            else if (await RecordSharedReplyAsync(view, now, cancellationToken).ConfigureAwait(false) is { } replyError)
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, replyError);
            }

            return InboundDecision.Delivered(view.Primary, view.Session, asPlainText, message.HasMedia && !configuration.AllowMedia);
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>A reply with a shared store: every process must reset its count of sends in a row, so it is an event. Inside the gate.</summary>
    private async ValueTask<Exception?> RecordSharedReplyAsync(ChatView view, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_limiter.CountConsecutiveSends(view.Primary) > 0
            && await _journal.CommitAsync([new PolicyEvent { Type = PolicyEventType.ReplyReceived, Timestamp = now, Chat = view.Primary, Actor = SystemActor }], cancellationToken).ConfigureAwait(false) is { } error)
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
