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
    /// does not parse is ignored.
    /// </summary>
    public static ValueTask<InboundDecision> DecideInboundAsync(this IServiceConversationPolicy policy, string chatJid, string? alternateJid, string? text, bool hasMedia = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!ChatId.TryParse(chatJid, out var chat))
        {
            return new(InboundDecision.Blocked(policy.IsEnabled ? ReasonCode.InvalidChat : ReasonCode.FeatureDisabled, default));
        }

        var alternate = ChatId.TryParse(alternateJid, out var parsed) ? parsed : default;
        return policy.DecideInboundAsync(new InboundMessage(chat, text, hasMedia, alternate), cancellationToken);
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
