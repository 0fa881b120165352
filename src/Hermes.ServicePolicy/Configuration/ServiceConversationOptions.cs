using System.Collections.Generic;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// The <c>whatsapp:service_conversations</c> configuration (docs/configuration.md). Every property has the
/// conservative default of the spec: nothing applies until <see cref="Enabled"/> is <see langword="true"/>.
/// Validate with <see cref="ServiceConversationOptionsValidator"/>; read from key/value pairs (either spelling)
/// with <see cref="ServiceConversationOptionsReader"/>; copy with <see cref="ServiceConversationOptionsCopying"/>.
/// </summary>
public sealed class ServiceConversationOptions
{
    /// <summary>The configuration section path hosts conventionally use.</summary>
    public const string SectionPath = "whatsapp:service_conversations";

    /// <summary><c>enabled</c>: off by default; every service-chat decision answers <c>feature_disabled</c> while false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>default_mode</c>: the mode a chat gets when it becomes a service chat.</summary>
    public ServiceChatMode DefaultMode { get; set; } = ServiceChatMode.DraftFirst;

    /// <summary>
    /// <c>outbound</c>: <c>normal</c>, or <c>never</c> to deny every send and approval (<c>outbound_disabled</c>) while
    /// inbound, drafts and operator commands keep working; see <see cref="OutboundSwitch"/>.
    /// </summary>
    public OutboundSwitch Outbound { get; set; }

    /// <summary>
    /// <c>owner_takeover_minutes</c>: after the owner types into a service chat on their own phone (<c>owner_message</c>),
    /// the agent may not send or draft there for this long (<c>owner_active</c>; 0–1440, 0 = off). The owner's own sends
    /// and approvals still go; <c>/service handback</c> ends the hold at once.
    /// </summary>
    public int OwnerTakeoverMinutes { get; set; } = 30;

    /// <summary>
    /// <c>min_seconds_between_agent_sends</c>: in one chat, an agent-initiated send this soon after the previous permitted
    /// one is denied <c>too_soon</c> (0–3600; 0 = off).
    /// </summary>
    public int MinSecondsBetweenAgentSends { get; set; }

    /// <summary>
    /// <c>send_jitter_seconds</c>: a permit for an agent-initiated send carries a <c>not_before</c> up to this many seconds
    /// ahead, a whole number drawn uniformly from the policy's random source (0–600; 0 = off); the host waits until then.
    /// </summary>
    public int SendJitterSeconds { get; set; }

    /// <summary>
    /// <c>max_agent_sends_per_day</c>: agent-initiated permits across all chats in a rolling 24 hours, failed sends not
    /// counted; over it a send is denied <c>daily_send_limit</c> (0–100000; 0 = no cap).
    /// </summary>
    public int MaxAgentSendsPerDay { get; set; }

    /// <summary>
    /// <c>duplicate_send_minutes</c>: the agent sending a chat a text equal to one permitted to it this many minutes ago
    /// (compared after NFC, trimming and collapsing whitespace runs; case kept) is denied <c>duplicate_send</c>
    /// (0–1440; 0 = off).
    /// </summary>
    public int DuplicateSendMinutes { get; set; } = 10;

    /// <summary><c>max_pending_drafts</c>: at most this many drafts wait for the owner, across all chats (1–1000); a new one is denied <c>too_many_pending_drafts</c>.</summary>
    public int MaxPendingDrafts { get; set; } = 20;

    /// <summary><c>max_pending_drafts_per_chat</c>: at most this many drafts wait for the owner in one chat (1–100).</summary>
    public int MaxPendingDraftsPerChat { get; set; } = 3;

    /// <summary><c>approved_chats</c>: one-to-one chats approved up front, in any target form except a name.</summary>
    public IList<string> ApprovedChats { get; set; } = new List<string>();

    /// <summary><c>approved_patterns</c>: phone prefixes like <c>+34 1004*</c>, at least 6 fixed digits; never <c>*</c> alone.</summary>
    public IList<string> ApprovedPatterns { get; set; } = new List<string>();

    /// <summary><c>allow_agent_initiated_service_chats</c>: whether the agent may start a service chat on its own.</summary>
    public bool AllowAgentInitiatedServiceChats { get; set; }

    /// <summary><c>auto_promote_replied_to_chats</c>: a provider's reply after we sent promotes <c>draft_first</c> to <c>autonomous</c>.</summary>
    public bool AutoPromoteRepliedToChats { get; set; }

    /// <summary><c>max_new_service_chats_per_day</c>: first contacts actually sent in a rolling 24 h (0–1000).</summary>
    public int MaxNewServiceChatsPerDay { get; set; } = 3;

    /// <summary><c>require_explicit_approval_for_first_contact</c>: the first message to a chat is a draft for the operator.</summary>
    public bool RequireExplicitApprovalForFirstContact { get; set; } = true;

    /// <summary><c>allow_media</c>: when false, inbound media is stripped and outbound media denied.</summary>
    public bool AllowMedia { get; set; } = true;

    /// <summary><c>max_auto_sends_per_chat_per_hour</c>: autonomous sends per chat in a sliding hour (0–10000; 0 = none).</summary>
    public int MaxAutoSendsPerChatPerHour { get; set; } = 10;

    /// <summary><c>max_consecutive_agent_sends_without_reply</c>: autonomous sends before a reply is needed (0–1000; 0 = none).</summary>
    public int MaxConsecutiveAgentSendsWithoutReply { get; set; } = 3;

    /// <summary><c>pending_draft_ttl_minutes</c>: how long an unapproved draft lives (1–10080).</summary>
    public int PendingDraftTtlMinutes { get; set; } = 1440;

    /// <summary>
    /// <c>operator_chats</c>: the owner's own chats (phone numbers or JIDs, LIDs allowed) whose messages starting with
    /// <see cref="OperatorCommand"/> are operator commands (docs/operator-commands.md). An operator chat is never a service chat.
    /// </summary>
    public IList<string> OperatorChats { get; set; } = new List<string>();

    /// <summary><c>operator_command</c>: the word that starts an operator command (2–32 characters, a symbol first, no white space).</summary>
    public string OperatorCommand { get; set; } = "/service";

    /// <summary>
    /// <c>send_confirmation_minutes</c>: how long a send permit waits for the host's report (1–1440). A send not confirmed
    /// by then is closed as <c>send_unknown</c> (reason <c>not_confirmed</c>) by the sweep and counts as sent.
    /// </summary>
    public int SendConfirmationMinutes { get; set; } = 10;

    /// <summary>
    /// <c>audit_retention_days</c>: how long the audit history stays readable (0–36500; 0, the default, keeps it all).
    /// The sweep prunes whole log segments whose every event is older, once a snapshot holds the state they built; what
    /// was pruned is recorded durably. Decisions never depend on it: the state is kept whole.
    /// </summary>
    public int AuditRetentionDays { get; set; }

    /// <summary><c>command_prefixes</c>: inbound text starting with one of these is never an operator command (1–8, at most 4 characters, no letters or digits).</summary>
    public IList<string> CommandPrefixes { get; set; } = new List<string> { "/" };

    /// <summary><c>state_directory</c>: where the file-backed store keeps state; empty means a per-user application-data folder.</summary>
    public string StateDirectory { get; set; } = string.Empty;

    /// <summary>
    /// <c>default_region</c>: the ISO 3166 region (for example <c>ES</c>) whose national numbers (<c>600 12 34 56</c>)
    /// targets and configured chats may use. Empty means none: national numbers are invalid. Needs a national-number
    /// parser (the <c>Hermes.ServicePolicy.PhoneNumbers</c> package); without one a region is a configuration error.
    /// </summary>
    public string DefaultRegion { get; set; } = string.Empty;
}
