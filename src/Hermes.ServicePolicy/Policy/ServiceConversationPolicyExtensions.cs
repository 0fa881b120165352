using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>Conveniences for hosts that hold raw JIDs and typed targets rather than parsed identities.</summary>
public static class ServiceConversationPolicyExtensions
{
    /// <summary>
    /// Decides an inbound message from raw JIDs as the transport delivers them. A JID that does not parse is blocked
    /// <see cref="ReasonCode.InvalidChat"/> (after <see cref="ReasonCode.FeatureDisabled"/>); an alternate JID that
    /// does not parse is ignored. <paramref name="fromOwner"/>: the owner typed it on their own phone
    /// (<see cref="InboundMessage.FromOwner"/>); a JID that does not parse is then <see cref="InboundOutcome.Ignored"/>.
    /// </summary>
    public static ValueTask<InboundDecision> DecideInboundAsync(this IServiceConversationPolicy policy, string chatJid, string? alternateJid, string? text, bool hasMedia = false, bool fromOwner = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!ChatId.TryParse(chatJid, out var chat))
        {
            return fromOwner ? new(InboundDecision.Ignored(default)) : new(InboundDecision.Blocked(policy.IsEnabled ? ReasonCode.InvalidChat : ReasonCode.FeatureDisabled, default));
        }

        var alternate = ChatId.TryParse(alternateJid, out var parsed) ? parsed : default;
        return policy.DecideInboundAsync(new InboundMessage(chat, text, hasMedia, alternate, fromOwner), cancellationToken);
    }

    /// <summary>
    /// Reports a send by the text form of its id (<c>s7-42</c>) as a host got it back from elsewhere (a queue, a log, a
    /// web form): an id that is not well formed is one the policy never issued, so it answers
    /// <see cref="ReasonCode.UnknownSend"/> like any other unknown id; it never throws for a bad id.
    /// </summary>
    public static ValueTask<OperatorResult> ConfirmSendAsync(this IServiceConversationGate gate, string? sendId, SendReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return SendId.TryParse(sendId, out var send)
            ? gate.ConfirmSendAsync(send, report, cancellationToken)
            : new(OperatorResult.Failed(ReasonCode.UnknownSend));
    }

    /// <summary>
    /// Resolves <paramref name="target"/> and decides the send, in docs/behaviour.md's order: feature off first, then an
    /// invalid, ambiguous or unknown target (<see cref="ReasonCode.InvalidTarget"/>,
    /// <see cref="ReasonCode.AmbiguousTarget"/>, <see cref="ReasonCode.TargetNotFound"/>; not audited), then the policy.
    /// </summary>
    public static async ValueTask<OutboundDecision> DecideOutboundAsync(
        this IServiceConversationPolicy policy,
        IChatTargetResolver resolver,
        string target,
        string text,
        Initiator initiator,
        string? sessionId = null,
        bool hasMedia = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(resolver);
        if (!policy.IsEnabled)
        {
            return OutboundDecision.Denied(ReasonCode.FeatureDisabled, default);
        }

        var resolution = await resolver.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        if (!resolution.IsResolved)
        {
            return OutboundDecision.Denied(resolution.Reason, default);
        }

        return await policy.DecideOutboundAsync(new OutboundRequest(resolution.Chat, text, initiator, sessionId, hasMedia), cancellationToken).ConfigureAwait(false);
    }
}
