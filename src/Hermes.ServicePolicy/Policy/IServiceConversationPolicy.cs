using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Decides what may pass between the agent and WhatsApp service chats (docs/behaviour.md). It decides; the host transports
/// and stores. Gating calls (<see cref="DecideInboundAsync"/>, <see cref="DecideOutboundAsync"/>) are
/// allocation-free and complete synchronously for in-memory state. Every answer fails closed: when the store, the
/// audit record or the clock fails, the answer is a denial with <see cref="ReasonCode.PolicyUnavailable"/>.
/// Operator actions work while the feature is off, so an operator can prepare before enabling it.
/// </summary>
public interface IServiceConversationPolicy
{
    /// <summary>Gets whether service conversations are enabled in the configuration in force.</summary>
    bool IsEnabled { get; }

    /// <summary>Decides whether an inbound message reaches the agent, and into which session.</summary>
    ValueTask<InboundDecision> DecideInboundAsync(InboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>Decides whether an outbound message is sent now, held as a draft, or denied.</summary>
    ValueTask<OutboundDecision> DecideOutboundAsync(OutboundRequest request, CancellationToken cancellationToken = default);

    /// <summary>Approves a draft: sends exactly its text, once, if the chat's state and limits allow it now.</summary>
    ValueTask<OutboundDecision> ApproveDraftAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default);

    /// <summary>Rejects a pending draft.</summary>
    ValueTask<OperatorResult> RejectDraftAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default);

    /// <summary>Makes a one-to-one chat a service chat (again, after a revocation), in <paramref name="mode"/> or the default mode.</summary>
    ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, ServiceChatMode? mode, string approvedBy, CancellationToken cancellationToken = default);

    /// <summary>Sets a service chat's mode (for a paused chat, the mode that resume restores).</summary>
    ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Pauses a service chat: inbound is still delivered, outbound is denied. Idempotent.</summary>
    ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused chat in the mode it had. <see cref="ReasonCode.InvalidState"/> when it is not paused.</summary>
    ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken = default);

    /// <summary>Revokes a chat: everything is blocked, pending drafts are cancelled, the session binding is dropped. Idempotent; wins over configuration.</summary>
    ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken = default);

    /// <summary>Links a phone JID and a LID as one chat (in either order).</summary>
    ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default);

    /// <summary>Gets a chat's status and bound session.</summary>
    ChatStatus GetStatus(ChatId chat);

    /// <summary>Gets the drafts that wait for approval (expired ones excluded), oldest first.</summary>
    IReadOnlyList<DraftInfo> GetPendingDrafts();

    /// <summary>Expires every pending draft whose time to live has passed (each expiry audited once).</summary>
    /// <returns>How many drafts expired.</returns>
    ValueTask<int> SweepExpiredDraftsAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies a new configuration atomically (state is kept). An invalid one is refused and the one in force stays.</summary>
    ValueTask<ConfigurationResult> ApplyConfigurationAsync(ServiceConversationOptions options, CancellationToken cancellationToken = default);
}
