using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// What a chat has used of the limits on the agent's sends at one moment, and when each frees up
/// (<see cref="ServiceConversationPolicy.GetLimitUsage"/>): for the owner's views, never a promise that a send will pass
/// (the next decision reads the same counters, and others may take the places first).
/// </summary>
public sealed record ChatLimitUsage
{
    /// <summary>Gets the chat, as the policy names it (the primary of its aliases).</summary>
    public required ChatId Chat { get; init; }

    /// <summary>Gets when the counts were read.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets the chat's autonomous sends in the last hour; null when the host's own limiter keeps the counts.</summary>
    public int? SentThisHour { get; init; }

    /// <summary>Gets <c>max_auto_sends_per_chat_per_hour</c>.</summary>
    public int HourlyLimit { get; init; }

    /// <summary>Gets when the oldest send counted this hour leaves the window, or null when none is counted.</summary>
    public DateTimeOffset? HourlyFreesAt { get; init; }

    /// <summary>Gets the agent's sends to the chat since the provider last replied.</summary>
    public int InARow { get; init; }

    /// <summary>Gets <c>max_consecutive_agent_sends_without_reply</c> (a reply, not time, frees it).</summary>
    public int InARowLimit { get; init; }

    /// <summary>Gets the agent's sends to all chats in the last 24 hours; null when <c>max_agent_sends_per_day</c> is off.</summary>
    public int? AgentSendsToday { get; init; }

    /// <summary>Gets <c>max_agent_sends_per_day</c> (0: off).</summary>
    public int DailyLimit { get; init; }

    /// <summary>Gets when the oldest send counted today leaves the 24 hours, or null when none is counted.</summary>
    public DateTimeOffset? DailyFreesAt { get; init; }
}
