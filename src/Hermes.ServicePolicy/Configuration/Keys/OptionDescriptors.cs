using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// Every configuration key, in the order of docs/configuration.md (a later set of keys after the earlier ones): the one table the reader, the validator, cloning, the
/// Microsoft.Extensions binding and the <c>policy_loaded</c> text walk. A new key is its property on
/// <see cref="ServiceConversationOptions"/> and one line here (plus any rule across keys in the validator).
/// </summary>
internal static class OptionDescriptors
{
    public static IReadOnlyList<OptionDescriptor> All { get; } =
    [
        new BooleanOption("enabled", nameof(ServiceConversationOptions.Enabled), static o => o.Enabled, static (o, v) => o.Enabled = v),
        new ChoiceOption<ServiceChatMode>("default_mode", nameof(ServiceConversationOptions.DefaultMode), static o => o.DefaultMode, static (o, v) => o.DefaultMode = v, Array.ConvertAll(Enum.GetValues<ServiceChatMode>(), static m => (m.ToCode(), m))),
        new ListOption("approved_chats", nameof(ServiceConversationOptions.ApprovedChats), static o => o.ApprovedChats, static (o, v) => o.ApprovedChats = v, static c => c.ApprovedChatCount),
        new ListOption("approved_patterns", nameof(ServiceConversationOptions.ApprovedPatterns), static o => o.ApprovedPatterns, static (o, v) => o.ApprovedPatterns = v, static c => c.PatternCount),
        new BooleanOption("allow_agent_initiated_service_chats", nameof(ServiceConversationOptions.AllowAgentInitiatedServiceChats), static o => o.AllowAgentInitiatedServiceChats, static (o, v) => o.AllowAgentInitiatedServiceChats = v),
        new BooleanOption("auto_promote_replied_to_chats", nameof(ServiceConversationOptions.AutoPromoteRepliedToChats), static o => o.AutoPromoteRepliedToChats, static (o, v) => o.AutoPromoteRepliedToChats = v),
        new IntegerOption("max_new_service_chats_per_day", nameof(ServiceConversationOptions.MaxNewServiceChatsPerDay), static o => o.MaxNewServiceChatsPerDay, static (o, v) => o.MaxNewServiceChatsPerDay = v, 0, 1000),
        new BooleanOption("require_explicit_approval_for_first_contact", nameof(ServiceConversationOptions.RequireExplicitApprovalForFirstContact), static o => o.RequireExplicitApprovalForFirstContact, static (o, v) => o.RequireExplicitApprovalForFirstContact = v),
        new BooleanOption("allow_media", nameof(ServiceConversationOptions.AllowMedia), static o => o.AllowMedia, static (o, v) => o.AllowMedia = v),
        new IntegerOption("max_auto_sends_per_chat_per_hour", nameof(ServiceConversationOptions.MaxAutoSendsPerChatPerHour), static o => o.MaxAutoSendsPerChatPerHour, static (o, v) => o.MaxAutoSendsPerChatPerHour = v, 0, 10000),
        new IntegerOption("max_consecutive_agent_sends_without_reply", nameof(ServiceConversationOptions.MaxConsecutiveAgentSendsWithoutReply), static o => o.MaxConsecutiveAgentSendsWithoutReply, static (o, v) => o.MaxConsecutiveAgentSendsWithoutReply = v, 0, 1000),
        new IntegerOption("pending_draft_ttl_minutes", nameof(ServiceConversationOptions.PendingDraftTtlMinutes), static o => o.PendingDraftTtlMinutes, static (o, v) => o.PendingDraftTtlMinutes = v, 1, 10080),
        new ListOption("command_prefixes", nameof(ServiceConversationOptions.CommandPrefixes), static o => o.CommandPrefixes, static (o, v) => o.CommandPrefixes = v),
        new TextOption("state_directory", nameof(ServiceConversationOptions.StateDirectory), static o => o.StateDirectory, static (o, v) => o.StateDirectory = v),
        new ListOption("operator_chats", nameof(ServiceConversationOptions.OperatorChats), static o => o.OperatorChats, static (o, v) => o.OperatorChats = v),
        new TextOption("operator_command", nameof(ServiceConversationOptions.OperatorCommand), static o => o.OperatorCommand, static (o, v) => o.OperatorCommand = v),
        new IntegerOption("send_confirmation_minutes", nameof(ServiceConversationOptions.SendConfirmationMinutes), static o => o.SendConfirmationMinutes, static (o, v) => o.SendConfirmationMinutes = v, 1, 1440),
        new IntegerOption("audit_retention_days", nameof(ServiceConversationOptions.AuditRetentionDays), static o => o.AuditRetentionDays, static (o, v) => o.AuditRetentionDays = v, 0, 36500, shownWhenZero: false),
        new TextOption("default_region", nameof(ServiceConversationOptions.DefaultRegion), static o => o.DefaultRegion, static (o, v) => o.DefaultRegion = v, shown: true),
        new IntegerOption("owner_takeover_minutes", nameof(ServiceConversationOptions.OwnerTakeoverMinutes), static o => o.OwnerTakeoverMinutes, static (o, v) => o.OwnerTakeoverMinutes = v, 0, 1440),
        new IntegerOption("min_seconds_between_agent_sends", nameof(ServiceConversationOptions.MinSecondsBetweenAgentSends), static o => o.MinSecondsBetweenAgentSends, static (o, v) => o.MinSecondsBetweenAgentSends = v, 0, 3600, shownWhenZero: false),
        new IntegerOption("send_jitter_seconds", nameof(ServiceConversationOptions.SendJitterSeconds), static o => o.SendJitterSeconds, static (o, v) => o.SendJitterSeconds = v, 0, 600, shownWhenZero: false),
        new IntegerOption("max_agent_sends_per_day", nameof(ServiceConversationOptions.MaxAgentSendsPerDay), static o => o.MaxAgentSendsPerDay, static (o, v) => o.MaxAgentSendsPerDay = v, 0, 100000, shownWhenZero: false),
        new IntegerOption("duplicate_send_minutes", nameof(ServiceConversationOptions.DuplicateSendMinutes), static o => o.DuplicateSendMinutes, static (o, v) => o.DuplicateSendMinutes = v, 0, 1440),
        new IntegerOption("max_pending_drafts", nameof(ServiceConversationOptions.MaxPendingDrafts), static o => o.MaxPendingDrafts, static (o, v) => o.MaxPendingDrafts = v, 1, 1000),
        new IntegerOption("max_pending_drafts_per_chat", nameof(ServiceConversationOptions.MaxPendingDraftsPerChat), static o => o.MaxPendingDraftsPerChat, static (o, v) => o.MaxPendingDraftsPerChat = v, 1, 100),
        new ChoiceOption<OutboundSwitch>("outbound", nameof(ServiceConversationOptions.Outbound), static o => o.Outbound, static (o, v) => o.Outbound = v, [("normal", OutboundSwitch.Normal), ("never", OutboundSwitch.Never)], shownWhenDefault: false),
    ];

    /// <summary>The key named <paramref name="name"/> in either spelling, any case; null when there is none.</summary>
    public static OptionDescriptor? Find(string name, out bool snakeCase)
    {
        foreach (var key in All)
        {
            if (string.Equals(name, key.Snake, StringComparison.OrdinalIgnoreCase))
            {
                snakeCase = true;
                return key;
            }

            if (string.Equals(name, key.Pascal, StringComparison.OrdinalIgnoreCase))
            {
                snakeCase = false;
                return key;
            }
        }

        snakeCase = false;
        return null;
    }

    /// <summary>Copies every key's value from <paramref name="from"/> to <paramref name="to"/> (lists as new lists).</summary>
    public static void CopyAll(ServiceConversationOptions from, ServiceConversationOptions to)
    {
        foreach (var key in All)
        {
            key.Copy(from, to);
        }
    }
}
