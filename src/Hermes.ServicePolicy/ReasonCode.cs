namespace Hermes.ServicePolicy;

/// <summary>
/// Why a decision came out the way it did. The numeric values are part of the public contract: they are used as
/// logging event ids and metric tags, so a value is never reused or renumbered. <see cref="ReasonCodes.ToCode"/>
/// gives the stable snake_case name of docs/behaviour.md.
/// </summary>
public enum ReasonCode
{
    /// <summary>No reason: the decision allowed the message.</summary>
    None = 0,

    /// <summary><c>feature_disabled</c>: service conversations are switched off (<c>enabled: false</c>).</summary>
    FeatureDisabled = 1,

    /// <summary><c>unknown_chat</c>: the chat is not a service chat.</summary>
    UnknownChat = 2,

    /// <summary><c>revoked</c>: the operator revoked the chat.</summary>
    Revoked = 3,

    /// <summary><c>paused</c>: the operator paused the chat.</summary>
    Paused = 4,

    /// <summary><c>group_chat</c>: groups are never service chats.</summary>
    GroupChat = 5,

    /// <summary><c>broadcast_chat</c>: broadcast lists, status and newsletters are never service chats.</summary>
    BroadcastChat = 6,

    /// <summary><c>invalid_chat</c>: the chat identifier delivered by the transport does not parse.</summary>
    InvalidChat = 7,

    /// <summary><c>agent_initiated_not_allowed</c>: the agent may not start a service chat on its own.</summary>
    AgentInitiatedNotAllowed = 8,

    /// <summary><c>daily_new_chat_limit</c>: the rolling 24 h limit of new service chats is reached.</summary>
    DailyNewChatLimit = 9,

    /// <summary><c>hourly_send_limit</c>: the per-chat limit of autonomous sends per hour is reached.</summary>
    HourlySendLimit = 10,

    /// <summary><c>consecutive_sends_without_reply</c>: the agent must wait for a reply before sending again.</summary>
    ConsecutiveSendsWithoutReply = 11,

    /// <summary><c>media_not_allowed</c>: media is switched off (<c>allow_media: false</c>).</summary>
    MediaNotAllowed = 12,

    /// <summary><c>unknown_draft</c>: no draft has that id.</summary>
    UnknownDraft = 13,

    /// <summary><c>draft_expired</c>: the draft's time to live passed before it was decided.</summary>
    DraftExpired = 14,

    /// <summary><c>draft_already_decided</c>: the draft was already sent, rejected or cancelled.</summary>
    DraftAlreadyDecided = 15,

    /// <summary><c>invalid_target</c>: the target is not a valid JID, phone number or name.</summary>
    InvalidTarget = 16,

    /// <summary><c>ambiguous_target</c>: the target matches more than one chat, or only a look-alike.</summary>
    AmbiguousTarget = 17,

    /// <summary><c>target_not_found</c>: no chat matches the target name.</summary>
    TargetNotFound = 18,

    /// <summary><c>invalid_state</c>: the operator action does not apply to the chat in its current state.</summary>
    InvalidState = 19,

    /// <summary><c>policy_unavailable</c>: the state store, the audit record or the clock failed, or a host check failed or timed out; the policy fails closed.</summary>
    PolicyUnavailable = 20,

    /// <summary>
    /// <c>invalid_actor</c>: an approval or operator action named no one (empty or white space), a reserved actor
    /// (<c>agent</c>, <c>system</c>), or a name with control or bidi characters or over 128 characters. Checked before
    /// anything else and not audited.
    /// </summary>
    InvalidActor = 21,

    /// <summary>
    /// <c>unknown_send</c>: a send confirmation names a send id that was never issued (or was lost with a crash before it
    /// was saved), or a send already closed with another outcome.
    /// </summary>
    UnknownSend = 22,

    /// <summary>
    /// <c>not_confirmed</c>: the reason of a <c>send_unknown</c> event written by the sweep, because the host did not
    /// report the send's outcome within <c>send_confirmation_minutes</c>. Never a decision's answer.
    /// </summary>
    NotConfirmed = 23,

    /// <summary><c>invalid_command</c>: an operator command that is unknown or has bad arguments; the reply is the help text.</summary>
    InvalidCommand = 24,

    /// <summary><c>outbound_disabled</c>: <c>outbound: never</c> is set; no message leaves, whatever the chat's mode.</summary>
    OutboundDisabled = 25,

    /// <summary>
    /// <c>owner_active</c>: the owner typed into this chat within <c>owner_takeover_minutes</c>; the agent may read the
    /// provider's replies but not answer (nor draft) until the hold ends or the owner hands the chat back.
    /// </summary>
    OwnerActive = 26,

    /// <summary>
    /// <c>too_many_pending_drafts</c>: <c>max_pending_drafts</c> drafts wait for the owner in all, or
    /// <c>max_pending_drafts_per_chat</c> for this chat; no new draft until the owner decides one (or one expires).
    /// </summary>
    TooManyPendingDrafts = 27,

    /// <summary>
    /// <c>too_soon</c>: the agent's previous permitted send to this chat was less than
    /// <c>min_seconds_between_agent_sends</c> ago; <c>retry_after</c> is the rest of the gap.
    /// </summary>
    TooSoon = 28,

    /// <summary>
    /// <c>daily_send_limit</c>: <c>max_agent_sends_per_day</c> agent-initiated permits were issued in the last 24 hours
    /// across all chats (failed sends not counted); <c>retry_after</c> is when the oldest leaves the window.
    /// </summary>
    DailySendLimit = 29,

    /// <summary>
    /// <c>duplicate_send</c>: the same text was permitted to this chat within <c>duplicate_send_minutes</c>;
    /// <c>retry_after</c> is when that permit leaves the window.
    /// </summary>
    DuplicateSend = 30,

    /// <summary><c>host_denied</c>: a check the host registered (<c>IOutboundCheck</c>) refused the send, with its own reason text.</summary>
    HostDenied = 31,
}
