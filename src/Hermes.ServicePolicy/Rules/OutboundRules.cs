using System;
using System.Runtime.CompilerServices;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Where an outbound request goes once nothing denied it (docs/behaviour.md#states-and-modes).</summary>
internal enum OutboundRoute
{
    Denied,
    FirstContactDraft,
    FirstContactPermit,
    FollowUpDraft,
    Autonomous,
}

/// <summary>
/// The outbound check order of docs/behaviour.md, as pure functions of (chat view, request, configuration, now). The
/// fast path, the slow path and approvals all call <see cref="BeforeMode"/>: the revoked → paused → media chain is
/// written once.
/// </summary>
internal static class OutboundRules
{
    /// <summary>The reason a chat's kind can never be a service chat, or <see cref="ReasonCode.None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReasonCode KindReason(ChatId chat) => chat.Kind switch
    {
        ChatKind.Phone or ChatKind.Lid => ReasonCode.None,
        ChatKind.Group => ReasonCode.GroupChat,
        ChatKind.Broadcast or ChatKind.Newsletter => ReasonCode.BroadcastChat,
        _ => ReasonCode.InvalidChat,
    };

    /// <summary>Revoked, then paused, then media: every denial that comes before the mode step (and before any draft).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReasonCode BeforeMode(in ChatView view, bool hasMedia, PolicyConfiguration configuration)
        => view.IsRevoked ? ReasonCode.Revoked
            : view.IsPaused ? ReasonCode.Paused
            : hasMedia && !configuration.AllowMedia ? ReasonCode.MediaNotAllowed
            : ReasonCode.None;

    /// <summary>
    /// Whether the request is an autonomous send that needs no event at all: the fast path's condition. Anything else
    /// (a denial to audit, a draft, a first contact, a session to bind) goes through <see cref="Route"/> inside the gate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NeedsNoEvent(in ChatView view, in OutboundRequest request, PolicyConfiguration configuration)
        => view.IsService
            && BeforeMode(view, request.HasMedia, configuration) == ReasonCode.None
            && view.Mode == ServiceChatMode.Autonomous
            && (request.SessionId is null || view.Session is not null);

    /// <summary>The route of a request, after the kind check: a denial reason, or where it goes.</summary>
    public static (OutboundRoute Route, ReasonCode Reason) Route(in ChatView view, in OutboundRequest request, PolicyConfiguration configuration, bool recentlyBlocked, bool isOperatorChat = false)
    {
        if (isOperatorChat)
        {
            return (OutboundRoute.Denied, ReasonCode.InvalidState); // the owner's own chat is never a service chat
        }

        var reason = BeforeMode(view, request.HasMedia, configuration);
        if (reason == ReasonCode.None && !view.IsService && request.Initiator == Initiator.Agent && !configuration.AllowAgentInitiated)
        {
            reason = ReasonCode.AgentInitiatedNotAllowed;
        }

        if (reason != ReasonCode.None)
        {
            return (OutboundRoute.Denied, reason);
        }

        if (!view.IsService)
        {
            // No auto-reply, ever: the agent's first contact to a chat that wrote unasked is always a draft.
            var mustDraft = configuration.RequireFirstContactApproval || (request.Initiator == Initiator.Agent && recentlyBlocked);
            return (mustDraft ? OutboundRoute.FirstContactDraft : OutboundRoute.FirstContactPermit, ReasonCode.None);
        }

        return (view.Mode == ServiceChatMode.Autonomous ? OutboundRoute.Autonomous : OutboundRoute.FollowUpDraft, ReasonCode.None);
    }

    /// <summary>The operator id the request carries, else <c>operator</c> or <c>agent</c> by initiator.</summary>
    public static string ActorOf(in OutboundRequest request)
        => request.RequestedBy ?? (request.Initiator == Initiator.Agent ? ActorNames.AgentActor : ActorNames.OperatorActor);

    public static PolicyEvent Denied(ChatId primary, ReasonCode reason, TimeSpan? retryAfter, DateTimeOffset now, string actor, Initiator? initiator, bool media, DraftId draft) => new()
    {
        Type = PolicyEventType.OutboundDenied,
        Timestamp = now,
        Chat = primary,
        Actor = actor,
        Reason = reason,
        RetryAfter = retryAfter,
        Initiator = initiator,
        HasMedia = media,
        DraftId = draft.Value,
    };

    public static PolicyEvent Drafted(in OutboundRequest request, ChatId primary, DraftId id, string handle, bool firstContact, DateTimeOffset now, PolicyConfiguration configuration) => new()
    {
        Handle = handle,
        Type = firstContact ? PolicyEventType.FirstContactDrafted : PolicyEventType.DraftCreated,
        Timestamp = now,
        Chat = primary,
        Actor = ActorOf(request),
        DraftId = id.Value,
        SessionId = request.SessionId,
        Text = request.Text,
        HasMedia = request.HasMedia,
        Initiator = request.Initiator,
        ExpiresAt = PolicyClock.AddClamped(now, configuration.DraftTtl),
    };

    /// <summary>A direct first contact (approval not required): its permit, audited <c>first_contact_approved</c> by the requester.</summary>
    public static PolicyEvent FirstContactPermit(in OutboundRequest request, ChatId primary, SendId send, DateTimeOffset now, PolicyConfiguration configuration) => new()
    {
        Type = PolicyEventType.FirstContactApproved,
        Timestamp = now,
        Chat = primary,
        Actor = ActorOf(request),
        SessionId = request.SessionId,
        ToMode = configuration.DefaultMode,
        Initiator = request.Initiator,
        Count = 1,
        Send = send,
        ConfirmBy = PolicyClock.AddClamped(now, configuration.SendConfirmation),
        Text = request.Text,
    };

    /// <summary>An autonomous permit that binds the chat's session: durable before the decision returns.</summary>
    public static PolicyEvent SessionPermit(in OutboundRequest request, ChatId primary, SendId send, DateTimeOffset now, PolicyConfiguration configuration) => new()
    {
        Type = PolicyEventType.SendPermitted,
        Timestamp = now,
        Chat = primary,
        Actor = ActorOf(request),
        SessionId = request.SessionId,
        Initiator = request.Initiator,
        Send = send,
        ConfirmBy = PolicyClock.AddClamped(now, configuration.SendConfirmation),
        Text = request.Text,
    };
}
