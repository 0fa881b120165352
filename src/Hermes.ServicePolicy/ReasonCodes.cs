using System;
using System.Diagnostics.CodeAnalysis;

namespace Hermes.ServicePolicy;

/// <summary>The stable snake_case names of <see cref="ReasonCode"/> values and their plain-language descriptions.</summary>
public static class ReasonCodes
{
    // Indexed by the enum's numeric value; literals so that no call allocates.
    private static readonly string[] Codes =
    [
        "none", "feature_disabled", "unknown_chat", "revoked", "paused", "group_chat", "broadcast_chat", "invalid_chat",
        "agent_initiated_not_allowed", "daily_new_chat_limit", "hourly_send_limit", "consecutive_sends_without_reply",
        "media_not_allowed", "unknown_draft", "draft_expired", "draft_already_decided", "invalid_target",
        "ambiguous_target", "target_not_found", "invalid_state", "policy_unavailable",
        "invalid_actor", "unknown_send", "not_confirmed", "invalid_command",
    ];

    private static readonly string[] Descriptions =
    [
        "allowed",
        "service conversations are disabled (enabled: false)",
        "the chat is not an approved service chat",
        "the operator revoked this service chat",
        "the operator paused this service chat",
        "groups can never be service chats",
        "broadcast lists, status and newsletters can never be service chats",
        "the chat identifier does not parse as a WhatsApp JID",
        "the agent may not start a service chat on its own (allow_agent_initiated_service_chats: false)",
        "the limit of new service chats in a rolling 24 hours is reached (max_new_service_chats_per_day)",
        "the limit of autonomous sends in this chat per hour is reached (max_auto_sends_per_chat_per_hour)",
        "the agent sent too many messages without a reply (max_consecutive_agent_sends_without_reply)",
        "media is not allowed (allow_media: false)",
        "no draft has that id",
        "the draft expired before it was approved (pending_draft_ttl_minutes)",
        "the draft was already sent, rejected, expired or cancelled",
        "the target is not a valid JID, phone number or chat name",
        "the target matches more than one chat, or only a look-alike name",
        "no chat matches the target",
        "the action does not apply to the chat in its current state",
        "the policy could not reach its state store, audit record or clock, so it fails closed",
        "the actor is empty, reserved (agent, system), over 128 characters or holds control or bidi characters: a change needs a named person",
        "no open send has that id: it was never issued, was lost with a crash before it was saved, or was already closed with another outcome",
        "the host did not report the send's outcome within send_confirmation_minutes, so it counts as sent",
        "the operator command is unknown or its arguments are wrong",
    ];

    /// <summary>Gets the stable snake_case code of <paramref name="reason"/> (for example <c>unknown_chat</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ReasonCode"/>.</exception>
    public static string ToCode(this ReasonCode reason)
    {
        var index = (int)reason;
        if ((uint)index >= (uint)Codes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a defined reason code.");
        }

        return Codes[index];
    }

    /// <summary>Gets a short plain-language description of <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ReasonCode"/>.</exception>
    public static string Describe(this ReasonCode reason)
    {
        var index = (int)reason;
        if ((uint)index >= (uint)Descriptions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a defined reason code.");
        }

        return Descriptions[index];
    }

    /// <summary>Parses a snake_case code back into its <see cref="ReasonCode"/>. Matching is exact (ordinal).</summary>
    public static bool TryParse([NotNullWhen(true)] string? code, out ReasonCode reason)
    {
        if (code is not null)
        {
            for (var i = 0; i < Codes.Length; i++)
            {
                if (string.Equals(Codes[i], code, StringComparison.Ordinal))
                {
                    reason = (ReasonCode)i;
                    return true;
                }
            }
        }

        reason = ReasonCode.None;
        return false;
    }
}
