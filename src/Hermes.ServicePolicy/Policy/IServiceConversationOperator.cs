using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The operator's actions (docs/behaviour.md, "Operator actions"): approve or reject drafts, approve, pause, resume,
/// revoke chats, set modes, link aliases. Each names the person acting (<c>agent</c>, <c>system</c> and malformed
/// names answer <see cref="ReasonCode.InvalidActor"/>), is audited with them as actor, and works while the feature is
/// off, so an operator can prepare before enabling it. Chat actions take a <see cref="ChatId"/> or a target in any
/// form (JID, phone number, recent-chat name), resolved as <see cref="Targeting.IChatTargetResolver"/> does.
/// </summary>
public interface IServiceConversationOperator
{
    /// <summary>Approves a draft: a permit for exactly its text, once, if the chat's state and limits allow it now.</summary>
    ValueTask<OutboundDecision> ApproveDraftAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default);

    /// <summary>Rejects a pending draft.</summary>
    ValueTask<OperatorResult> RejectDraftAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default);

    /// <summary>Makes a one-to-one chat a service chat (again, after a revocation), in <paramref name="mode"/> or the default mode.</summary>
    ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default);

    /// <summary>Sets a service chat's mode (for a paused chat, the mode that resume restores).</summary>
    ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Pauses a service chat: inbound is still delivered, outbound is denied. Idempotent.</summary>
    ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused chat in the mode it had. <see cref="ReasonCode.InvalidState"/> when it is not paused.</summary>
    ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken = default);

    /// <summary>Revokes a chat: everything is blocked, pending drafts are cancelled, the session binding is dropped. Idempotent; wins over configuration.</summary>
    ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the owner's takeover of a service chat (<c>owner_takeover_minutes</c> after they typed into it) at once, so the
    /// agent may answer again; audited <c>owner_handed_back</c>. Nothing to do (and nothing audited) when the owner has
    /// not typed there since the last hand-back; <see cref="ReasonCode.InvalidState"/> when it is not a service chat.
    /// </summary>
    ValueTask<OperatorResult> HandBackAsync(ChatId chat, string handedBackBy, CancellationToken cancellationToken = default);

    /// <summary>Links a phone JID and a LID as one chat (in either order).</summary>
    ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default);

    /// <summary>Resolves <paramref name="target"/> and approves the chat; an unresolvable target answers its reason (not audited).</summary>
    ValueTask<OperatorResult> ApproveChatAsync(string target, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default);

    /// <summary>Resolves <paramref name="target"/> and sets its mode.</summary>
    ValueTask<OperatorResult> SetModeAsync(string target, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default);

    /// <summary>Resolves <paramref name="target"/> and pauses it.</summary>
    ValueTask<OperatorResult> PauseAsync(string target, string pausedBy, CancellationToken cancellationToken = default);

    /// <summary>Resolves <paramref name="target"/> and resumes it.</summary>
    ValueTask<OperatorResult> ResumeAsync(string target, string resumedBy, CancellationToken cancellationToken = default);

    /// <summary>Resolves <paramref name="target"/> and revokes it.</summary>
    ValueTask<OperatorResult> RevokeAsync(string target, string revokedBy, CancellationToken cancellationToken = default);
}
