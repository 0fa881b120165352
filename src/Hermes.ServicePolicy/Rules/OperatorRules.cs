using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The chat-level operator actions of docs/behaviour.md ("Operator actions"), as pure functions of (state, chat view,
/// configuration, now, actor) → (events, reason). Null events with no reason: already in effect, nothing to record.
/// </summary>
internal static class OperatorRules
{
    public static (PolicyEvent[]? Events, ReasonCode Reason) ApproveChat(in ChatView view, ServiceChatMode? mode, DateTimeOffset now, PolicyConfiguration configuration, string actor, bool isOperatorChat = false)
    {
        if (isOperatorChat)
        {
            return (null, ReasonCode.InvalidState); // an operator chat is never a service chat
        }

        var target = mode ?? (view.IsService && view.Record is { IsService: true, Mode: { } current } ? current : configuration.DefaultMode);
        return ([new PolicyEvent { Type = PolicyEventType.ChatApproved, Timestamp = now, Chat = view.Primary, Actor = actor, ToMode = target }], ReasonCode.None);
    }

    public static (PolicyEvent[]? Events, ReasonCode Reason) SetMode(in ChatView view, ServiceChatMode mode, DateTimeOffset now, string actor)
    {
        if (!view.IsService)
        {
            return (null, ReasonCode.InvalidState); // approve the chat first; set_mode never makes a service chat
        }

        return view.Record?.Mode == mode
            ? (null, ReasonCode.None)
            : ([new PolicyEvent { Type = PolicyEventType.ModeChanged, Timestamp = now, Chat = view.Primary, Actor = actor, FromMode = view.Mode, ToMode = mode }], ReasonCode.None);
    }

    public static (PolicyEvent[]? Events, ReasonCode Reason) Pause(in ChatView view, DateTimeOffset now, string actor)
    {
        if (!view.IsService)
        {
            return (null, ReasonCode.InvalidState); // pausing must never turn an unknown chat into a delivered one
        }

        return view.IsPaused
            ? (null, ReasonCode.None)
            : ([new PolicyEvent { Type = PolicyEventType.ChatPaused, Timestamp = now, Chat = view.Primary, Actor = actor }], ReasonCode.None);
    }

    public static (PolicyEvent[]? Events, ReasonCode Reason) Resume(in ChatView view, DateTimeOffset now, string actor)
        => view.IsPaused
            ? ([new PolicyEvent { Type = PolicyEventType.ChatResumed, Timestamp = now, Chat = view.Primary, Actor = actor, ToMode = view.Mode }], ReasonCode.None)
            : (null, ReasonCode.InvalidState);

    /// <summary>
    /// Ends the owner's takeover: <c>owner_handed_back</c> when the owner typed into the chat since the last hand-back
    /// (even if the hold has run out, so that a longer <c>owner_takeover_minutes</c> set later cannot revive it).
    /// </summary>
    public static (PolicyEvent[]? Events, ReasonCode Reason) HandBack(in ChatView view, DateTimeOffset now, string actor)
    {
        if (!view.IsService)
        {
            return (null, ReasonCode.InvalidState);
        }

        return view.Record?.OwnerTypedAt is null
            ? (null, ReasonCode.None)
            : ([new PolicyEvent { Type = PolicyEventType.OwnerHandedBack, Timestamp = now, Chat = view.Primary, Actor = actor }], ReasonCode.None);
    }

    /// <summary><c>chat_revoked</c> first, then one cancellation (or expiry, for a draft past its time) per pending draft, oldest first.</summary>
    public static (PolicyEvent[]? Events, ReasonCode Reason) Revoke(StateProjection state, in ChatView view, DateTimeOffset now, string actor)
    {
        if (view.IsRevoked)
        {
            return (null, ReasonCode.None);
        }

        var events = new List<PolicyEvent> { new() { Type = PolicyEventType.ChatRevoked, Timestamp = now, Chat = view.Primary, Actor = actor } };
        foreach (var id in view.Record?.PendingDrafts ?? [])
        {
            if (state.Drafts.TryGetValue(id, out var draft) && draft.State == DraftState.Pending)
            {
                // An expired draft is recorded as expired, not cancelled: each draft is decided once.
                events.Add(now >= draft.ExpiresAt ? DraftRules.Expiry(draft, view.Primary, now) : DraftRules.Cancellation(draft, view.Primary, actor, now));
            }
        }

        return ([.. events], ReasonCode.None);
    }
}
