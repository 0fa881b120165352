namespace Hermes.ServicePolicy.State;

/// <summary>
/// The kinds of event in the policy's log. Values below 100 are the audit events of docs/state-and-backups.md (stable snake_case
/// names via <see cref="PolicyEventTypes.ToCode"/>); values from 100 are bookkeeping that is persisted but not
/// audited. Numeric values are stable: stores persist them.
/// </summary>
public enum PolicyEventType
{
    /// <summary><c>policy_loaded</c>: a configuration was accepted.</summary>
    PolicyLoaded = 1,

    /// <summary><c>policy_rejected</c>: a configuration was refused; the previous one stays.</summary>
    PolicyRejected = 2,

    /// <summary><c>first_contact_drafted</c>.</summary>
    FirstContactDrafted = 3,

    /// <summary>
    /// <c>first_contact_approved</c>: a first contact got its send permit (an approved draft, or a direct first contact
    /// when approval is not required). The chat is a service chat from now on, unless the send fails.
    /// </summary>
    FirstContactApproved = 4,

    /// <summary><c>first_contact_rejected</c>.</summary>
    FirstContactRejected = 5,

    /// <summary><c>first_contact_expired</c>.</summary>
    FirstContactExpired = 6,

    /// <summary><c>first_contact_cancelled</c>: the chat was revoked while the draft waited.</summary>
    FirstContactCancelled = 7,

    /// <summary><c>first_contact_sent</c>: the host confirmed the first contact delivered, with its exact text.</summary>
    FirstContactSent = 8,

    /// <summary><c>draft_created</c>: a follow-up draft.</summary>
    DraftCreated = 9,

    /// <summary><c>draft_approved</c>: a follow-up draft was approved and got its send permit.</summary>
    DraftApproved = 10,

    /// <summary><c>draft_rejected</c>.</summary>
    DraftRejected = 11,

    /// <summary><c>draft_expired</c>.</summary>
    DraftExpired = 12,

    /// <summary><c>draft_cancelled</c>.</summary>
    DraftCancelled = 13,

    /// <summary><c>chat_approved</c>: the operator's <c>approve_chat</c>.</summary>
    ChatApproved = 14,

    /// <summary><c>chat_promoted</c>: automatic <c>draft_first</c> → <c>autonomous</c> on a reply.</summary>
    ChatPromoted = 15,

    /// <summary><c>mode_changed</c>: the operator's <c>set_mode</c>.</summary>
    ModeChanged = 16,

    /// <summary><c>chat_paused</c>.</summary>
    ChatPaused = 17,

    /// <summary><c>chat_resumed</c>.</summary>
    ChatResumed = 18,

    /// <summary><c>chat_revoked</c>.</summary>
    ChatRevoked = 19,

    /// <summary><c>alias_linked</c>: a phone JID and a LID are one chat.</summary>
    AliasLinked = 20,

    /// <summary><c>inbound_blocked</c>: at the first block of a (chat, reason) pair, then at most hourly with a count.</summary>
    InboundBlocked = 21,

    /// <summary><c>command_blocked</c>: an inbound command was delivered as plain text.</summary>
    CommandBlocked = 22,

    /// <summary><c>outbound_denied</c>: a send or an approval was denied by the policy.</summary>
    OutboundDenied = 23,

    /// <summary><c>message_sent</c>: the host confirmed a send delivered (not a first contact), with its exact text.</summary>
    MessageSent = 24,

    /// <summary><c>send_failed</c>: the host reported that a send did not go out; its own changes are undone.</summary>
    SendFailed = 25,

    /// <summary><c>send_unknown</c>: the host cannot tell whether a send went out, or did not confirm it in time; it counts as sent.</summary>
    SendUnknown = 26,

    /// <summary>
    /// <c>owner_message</c>: the owner typed a message into a service chat on their own phone (with the chat's session
    /// and the exact text). Never a provider's reply: it changes no chat state.
    /// </summary>
    OwnerMessage = 27,

    /// <summary>
    /// <c>owner_handed_back</c>: the owner ended their hold on a chat (<c>/service handback</c>) before
    /// <c>owner_takeover_minutes</c> ran out; the agent may answer again.
    /// </summary>
    OwnerHandedBack = 28,

    /// <summary>
    /// <c>host_held</c>: a host check (<c>IOutboundCheck</c>) held a send the library's rules permitted; it became the
    /// draft written right after this event (its id and handle are here, the check's reason in <c>detail</c>).
    /// </summary>
    HostHeld = 29,

    /// <summary>Bookkeeping (not audited): a session was bound to a chat by a later send.</summary>
    SessionBound = 100,

    /// <summary>Bookkeeping (not audited): an autonomous send permit that binds the chat's session, durable before the decision returns.</summary>
    SendPermitted = 101,

    /// <summary>
    /// Bookkeeping (not audited): the batched counters that changed since the last such event (rate-limit windows of
    /// the chats that sent or got a reply, suppressed block counts, open autonomous permits), at most once a second.
    /// </summary>
    CountersSaved = 102,

    /// <summary>
    /// Bookkeeping (not audited), shared stores only: a reply arrived in a chat whose agent had sent in a row, so every
    /// process resets its consecutive-sends counter (one process alone keeps that in its batched counters).
    /// </summary>
    ReplyReceived = 103,
}

/// <summary>Names of <see cref="PolicyEventType"/> values.</summary>
public static class PolicyEventTypes
{
    /// <summary>Gets the stable snake_case name (<c>first_contact_sent</c>, …).</summary>
    public static string ToCode(this PolicyEventType type) => type switch
    {
        PolicyEventType.PolicyLoaded => "policy_loaded",
        PolicyEventType.PolicyRejected => "policy_rejected",
        PolicyEventType.FirstContactDrafted => "first_contact_drafted",
        PolicyEventType.FirstContactApproved => "first_contact_approved",
        PolicyEventType.FirstContactRejected => "first_contact_rejected",
        PolicyEventType.FirstContactExpired => "first_contact_expired",
        PolicyEventType.FirstContactCancelled => "first_contact_cancelled",
        PolicyEventType.FirstContactSent => "first_contact_sent",
        PolicyEventType.DraftCreated => "draft_created",
        PolicyEventType.DraftApproved => "draft_approved",
        PolicyEventType.DraftRejected => "draft_rejected",
        PolicyEventType.DraftExpired => "draft_expired",
        PolicyEventType.DraftCancelled => "draft_cancelled",
        PolicyEventType.ChatApproved => "chat_approved",
        PolicyEventType.ChatPromoted => "chat_promoted",
        PolicyEventType.ModeChanged => "mode_changed",
        PolicyEventType.ChatPaused => "chat_paused",
        PolicyEventType.ChatResumed => "chat_resumed",
        PolicyEventType.ChatRevoked => "chat_revoked",
        PolicyEventType.AliasLinked => "alias_linked",
        PolicyEventType.InboundBlocked => "inbound_blocked",
        PolicyEventType.CommandBlocked => "command_blocked",
        PolicyEventType.OutboundDenied => "outbound_denied",
        PolicyEventType.MessageSent => "message_sent",
        PolicyEventType.SendFailed => "send_failed",
        PolicyEventType.SendUnknown => "send_unknown",
        PolicyEventType.OwnerMessage => "owner_message",
        PolicyEventType.OwnerHandedBack => "owner_handed_back",
        PolicyEventType.HostHeld => "host_held",
        PolicyEventType.SessionBound => "session_bound",
        PolicyEventType.SendPermitted => "send_permitted",
        PolicyEventType.CountersSaved => "counters_saved",
        PolicyEventType.ReplyReceived => "reply_received",
        _ => "unknown",
    };

    private static readonly System.Collections.Frozen.FrozenDictionary<string, PolicyEventType> ByCode =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(System.Linq.Enumerable.ToDictionary(System.Enum.GetValues<PolicyEventType>(), t => t.ToCode(), t => t), System.StringComparer.Ordinal);

    /// <summary>Parses a name given by <see cref="ToCode"/>.</summary>
    public static bool TryParse(string? code, out PolicyEventType type)
    {
        if (code is not null && ByCode.TryGetValue(code, out type))
        {
            return true;
        }

        type = default;
        return false;
    }

    /// <summary>Gets whether events of this type are audit events (docs/behaviour.md#audit-events), as opposed to bookkeeping.</summary>
    public static bool IsAudited(this PolicyEventType type) => (int)type < 100;
}
