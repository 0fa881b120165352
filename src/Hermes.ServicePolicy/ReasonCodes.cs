using System;
using System.Diagnostics.CodeAnalysis;

namespace Hermes.ServicePolicy;

/// <summary>
/// The stable snake_case names of <see cref="ReasonCode"/> values, their plain-language descriptions and whether waiting
/// helps: one table, one row per code, in the enum's order (checked when the type loads).
/// </summary>
public static class ReasonCodes
{
    // Literals, indexed by the enum's numeric value, so that no call allocates.
    private static readonly Row[] Table = Checked(
    [
        new(ReasonCode.None, "none", "allowed"),
        new(ReasonCode.FeatureDisabled, "feature_disabled", "service conversations are disabled (enabled: false)"),
        new(ReasonCode.UnknownChat, "unknown_chat", "the chat is not an approved service chat"),
        new(ReasonCode.Revoked, "revoked", "the operator revoked this service chat"),
        new(ReasonCode.Paused, "paused", "the operator paused this service chat"),
        new(ReasonCode.GroupChat, "group_chat", "groups can never be service chats"),
        new(ReasonCode.BroadcastChat, "broadcast_chat", "broadcast lists, status and newsletters can never be service chats"),
        new(ReasonCode.InvalidChat, "invalid_chat", "the chat identifier does not parse as a WhatsApp JID"),
        new(ReasonCode.AgentInitiatedNotAllowed, "agent_initiated_not_allowed", "the agent may not start a service chat on its own (allow_agent_initiated_service_chats: false)"),
        new(ReasonCode.DailyNewChatLimit, "daily_new_chat_limit", "the limit of new service chats in a rolling 24 hours is reached (max_new_service_chats_per_day)", RetryAfterKind.WhenTheWindowFrees),
        new(ReasonCode.HourlySendLimit, "hourly_send_limit", "the limit of autonomous sends in this chat per hour is reached (max_auto_sends_per_chat_per_hour)", RetryAfterKind.WhenTheWindowFrees),
        new(ReasonCode.ConsecutiveSendsWithoutReply, "consecutive_sends_without_reply", "the agent sent too many messages without a reply (max_consecutive_agent_sends_without_reply)"),
        new(ReasonCode.MediaNotAllowed, "media_not_allowed", "media is not allowed (allow_media: false)"),
        new(ReasonCode.UnknownDraft, "unknown_draft", "no draft has that id"),
        new(ReasonCode.DraftExpired, "draft_expired", "the draft expired before it was approved (pending_draft_ttl_minutes)"),
        new(ReasonCode.DraftAlreadyDecided, "draft_already_decided", "the draft was already sent, rejected, expired or cancelled"),
        new(ReasonCode.InvalidTarget, "invalid_target", "the target is not a valid JID, phone number or chat name"),
        new(ReasonCode.AmbiguousTarget, "ambiguous_target", "the target matches more than one chat, or only a look-alike name"),
        new(ReasonCode.TargetNotFound, "target_not_found", "no chat matches the target"),
        new(ReasonCode.InvalidState, "invalid_state", "the action does not apply to the chat in its current state"),
        new(ReasonCode.PolicyUnavailable, "policy_unavailable", "the policy could not reach its state store, audit record or clock, or a host check failed, so it fails closed"),
        new(ReasonCode.InvalidActor, "invalid_actor", "the actor is empty, reserved (agent, system), over 128 characters or holds control or bidi characters: a change needs a named person"),
        new(ReasonCode.UnknownSend, "unknown_send", "no open send has that id: it was never issued, was lost with a crash before it was saved, or was already closed with another outcome"),
        new(ReasonCode.NotConfirmed, "not_confirmed", "the host did not report the send's outcome within send_confirmation_minutes, so it counts as sent"),
        new(ReasonCode.InvalidCommand, "invalid_command", "the operator command is unknown or its arguments are wrong"),
        new(ReasonCode.OutboundDisabled, "outbound_disabled", "nothing is sent while outbound: never is set; drafts wait for the owner"),
        new(ReasonCode.OwnerActive, "owner_active", "the owner is writing in this chat themselves (owner_takeover_minutes); the agent waits, or the owner hands it back", RetryAfterKind.WhenTheHoldEnds),
        new(ReasonCode.TooManyPendingDrafts, "too_many_pending_drafts", "too many drafts wait for the owner (max_pending_drafts, max_pending_drafts_per_chat); deciding one frees a place"),
        new(ReasonCode.TooSoon, "too_soon", "the agent wrote to this chat moments ago (min_seconds_between_agent_sends)", RetryAfterKind.WhenTheWindowFrees),
        new(ReasonCode.DailySendLimit, "daily_send_limit", "the agent's sends in a rolling 24 hours across all chats reached the cap (max_agent_sends_per_day)", RetryAfterKind.WhenTheWindowFrees),
        new(ReasonCode.DuplicateSend, "duplicate_send", "the same text was sent to this chat a short while ago (duplicate_send_minutes)", RetryAfterKind.WhenTheWindowFrees),
        new(ReasonCode.HostDenied, "host_denied", "a check of the host refused the send"),
    ]);

    /// <summary>Gets the stable snake_case code of <paramref name="reason"/> (for example <c>unknown_chat</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ReasonCode"/>.</exception>
    public static string ToCode(this ReasonCode reason)
    {
        return RowOf(reason).Code;
    }

    /// <summary>Gets a short plain-language description of <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ReasonCode"/>.</exception>
    public static string Describe(this ReasonCode reason)
    {
        return RowOf(reason).Description;
    }

    /// <summary>Parses a snake_case code back into its <see cref="ReasonCode"/>. Matching is exact (ordinal).</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out ReasonCode reason)
    {
        if (code is not null)
        {
            foreach (var row in Table)
            {
                if (string.Equals(row.Code, code, StringComparison.Ordinal))
                {
                    reason = row.Reason;
                    return true;
                }
            }
        }

        reason = ReasonCode.None;
        return false;
    }

    /// <summary>Gets whether a denial for <paramref name="reason"/> can pass by waiting, and so carries <c>retry_after</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ReasonCode"/>.</exception>
    public static RetryAfterKind RetryAfter(this ReasonCode reason) => RowOf(reason).RetryAfter;

    private static Row RowOf(ReasonCode reason)
    {
        var index = (int)reason;
        return (uint)index < (uint)Table.Length
            ? Table[index]
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a defined reason code.");
    }

    // Every code has its row, at its own index: a code added to the enum without a row fails when the type loads.
    private static Row[] Checked(Row[] table)
    {
        for (var i = 0; i < table.Length; i++)
        {
            if ((int)table[i].Reason != i)
            {
                throw new InvalidOperationException($"The reason-code table's row {i} is {table[i].Reason}: rows follow the enum.");
            }
        }

        return table.Length == Enum.GetValues<ReasonCode>().Length
            ? table
            : throw new InvalidOperationException("Every ReasonCode needs a row in the reason-code table.");
    }

    private readonly record struct Row(ReasonCode Reason, string Code, string Description, RetryAfterKind RetryAfter = RetryAfterKind.None);
}
