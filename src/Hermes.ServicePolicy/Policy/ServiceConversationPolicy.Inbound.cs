using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    public ValueTask<InboundDecision> DecideInboundAsync(InboundMessage message, CancellationToken cancellationToken = default)
    {
        var configuration = Volatile.Read(ref _configuration);
        if (!configuration.Enabled)
        {
            return Done(InboundDecision.Blocked(ReasonCode.FeatureDisabled, _aliases.GetPrimary(message.Chat)));
        }

        // The hot path: a service chat's reply. One lookup, no clock, no lock, no allocation. Everything that
        // writes (a block, an alias link, a command, a promotion) or a failing sink takes the slow path.
        if (!_sinkFaulted && message.Chat.IsOneToOne && (message.AlternateChat.IsEmpty || !NeedsAliasLink(message, configuration)))
        {
            var view = View(message.Chat, configuration);
            if (view.IsService
                && (message.Text is null || !configuration.IsCommand(message.Text))
                && !(configuration.AutoPromote && CanPromote(view)))
            {
                RecordReply(view);
                return Done(new InboundDecision(InboundOutcome.Delivered, ReasonCode.None, view.Primary, view.Session, false, message.HasMedia && !configuration.AllowMedia, null));
            }
        }

        return DecideInboundSlowAsync(message, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<InboundDecision> Done(InboundDecision decision)
    {
        ServiceConversationMetrics.Inbound(decision);
        return new(decision);
    }

    private async ValueTask<InboundDecision> DecideInboundSlowAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = await DecideInboundCoreAsync(message, cancellationToken).ConfigureAwait(false);
        ServiceConversationMetrics.Inbound(decision);
        return decision;
    }

    private static bool CanPromote(ChatView view)
        => view.Mode == ServiceChatMode.DraftFirst && !view.IsPaused && view.Record is { SentSinceDraftFirst: true };

    /// <summary>A transport's alternate JID links a phone and a LID when either is a known chat and neither is linked yet.</summary>
    private bool NeedsAliasLink(InboundMessage message, PolicyConfiguration configuration)
    {
        var alternate = message.AlternateChat;
        if (alternate.IsEmpty || !ChatAliasRegistry.IsPair(message.Chat, alternate, out var phone, out var lid))
        {
            return false;
        }

        if (_aliases.TryGetAlias(phone, out _) || _aliases.TryGetAlias(lid, out _))
        {
            return false; // already linked (to each other or elsewhere): links are never moved
        }

        return _chats.ContainsKey(phone) || _chats.ContainsKey(lid)
            || configuration.IsConfigured(phone, default) || configuration.IsConfigured(lid, default);
    }

    private async ValueTask<InboundDecision> DecideInboundCoreAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (_sinkFaulted && await EnsureSinksHealthyAsync(cancellationToken).ConfigureAwait(false) is { } sinkError)
        {
            return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _aliases.GetPrimary(message.Chat), sinkError);
        }

        var kindReason = KindReason(message.Chat);
        if (kindReason != ReasonCode.None)
        {
            return await BlockAsync(message.Chat, kindReason, cancellationToken).ConfigureAwait(false);
        }

        // Unknown and revoked chats are blocked without the gate while their audit event is suppressed, so a flood
        // from one chat does not queue behind operator actions.
        var snapshot = Volatile.Read(ref _configuration);
        if (snapshot.Enabled && !NeedsAliasLink(message, snapshot))
        {
            var early = View(message.Chat, snapshot);
            if (early.IsRevoked || !early.IsService)
            {
                return await BlockAsync(early.Primary, early.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, cancellationToken).ConfigureAwait(false);
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configuration = Volatile.Read(ref _configuration);
            if (!configuration.Enabled)
            {
                return InboundDecision.Blocked(ReasonCode.FeatureDisabled, _aliases.GetPrimary(message.Chat));
            }

            if (!TryNow(out var now, out var clockError))
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _aliases.GetPrimary(message.Chat), clockError);
            }

            if (NeedsAliasLink(message, configuration))
            {
                ChatAliasRegistry.IsPair(message.Chat, message.AlternateChat, out var phone, out var lid);
                var linked = new PolicyEvent { Type = PolicyEventType.AliasLinked, Timestamp = now, Chat = phone, Alias = lid, Actor = SystemActor };
                if (await CommitAsync([linked], cancellationToken).ConfigureAwait(false) is { } linkError)
                {
                    return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _aliases.GetPrimary(message.Chat), linkError);
                }
            }

            var view = View(message.Chat, configuration);
            if (view.IsRevoked || !view.IsService)
            {
                return await BlockInsideGateAsync(view.Primary, view.IsRevoked ? ReasonCode.Revoked : ReasonCode.UnknownChat, now, cancellationToken).ConfigureAwait(false);
            }

            var asPlainText = message.Text is not null && configuration.IsCommand(message.Text);
            var promote = configuration.AutoPromote && CanPromote(view);
            if (asPlainText || promote)
            {
                var events = new PolicyEvent[(asPlainText ? 1 : 0) + (promote ? 1 : 0)];
                var i = 0;
                if (asPlainText)
                {
                    events[i++] = new PolicyEvent { Type = PolicyEventType.CommandBlocked, Timestamp = now, Chat = view.Primary, Actor = SystemActor, SessionId = view.Session };
                }

                if (promote)
                {
                    events[i] = new PolicyEvent { Type = PolicyEventType.ChatPromoted, Timestamp = now, Chat = view.Primary, Actor = SystemActor, FromMode = ServiceChatMode.DraftFirst, ToMode = ServiceChatMode.Autonomous };
                }

                if (await CommitAsync(events, cancellationToken).ConfigureAwait(false) is { } error)
                {
                    return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error);
                }
            }

            RecordReply(view);
            return new InboundDecision(InboundOutcome.Delivered, ReasonCode.None, view.Primary, view.Session, asPlainText, message.HasMedia && !configuration.AllowMedia, null);
        }
        finally
        {
            _gate.Release();
        }
    }
}
