using System;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Where an outbound request goes once nothing denied it (docs/behaviour.md#states-and-modes).</summary>
internal enum OutboundRoute
{
    FirstContactDraft,
    FirstContactPermit,
    FollowUpDraft,
    Autonomous,
}

/// <summary>
/// The outbound decision's pure pieces besides the rule pipeline (<see cref="OutboundPipeline"/>): the mode step (<see cref="Route"/>), and the events a decision writes.
/// </summary>
internal static class OutboundRules
{
    /// <summary>
    /// Where a request goes once <see cref="OutboundPipeline"/> passed it: the mode step. A chat that is not a service
    /// chat gets a first contact (a draft when approval is required, or when the agent writes to a chat that wrote to
    /// us unasked: no auto-reply, ever); a service chat a permit (autonomous) or a draft (<c>draft_first</c>).
    /// </summary>
    public static OutboundRoute Route(in ChatView view, in OutboundRequest request, PolicyConfiguration configuration, bool recentlyBlocked)
    {
        if (!view.IsService)
        {
            var mustDraft = configuration.RequireFirstContactApproval || (request.Initiator == Initiator.Agent && recentlyBlocked);
            return mustDraft ? OutboundRoute.FirstContactDraft : OutboundRoute.FirstContactPermit;
        }

        return view.Mode == ServiceChatMode.Autonomous ? OutboundRoute.Autonomous : OutboundRoute.FollowUpDraft;
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
    public static PolicyEvent FirstContactPermit(in OutboundRequest request, ChatId primary, SendId send, DateTimeOffset now, DateTimeOffset? notBefore, PolicyConfiguration configuration) => new()
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
        ConfirmBy = PolicyClock.AddClamped(notBefore ?? now, configuration.SendConfirmation), // counted from when it may be used
        Text = request.Text,
    };

    /// <summary>An autonomous permit that binds the chat's session: durable before the decision returns.</summary>
    public static PolicyEvent SessionPermit(in OutboundRequest request, ChatId primary, SendId send, DateTimeOffset now, DateTimeOffset? notBefore, PolicyConfiguration configuration) => new()
    {
        Type = PolicyEventType.SendPermitted,
        Timestamp = now,
        Chat = primary,
        Actor = ActorOf(request),
        SessionId = request.SessionId,
        Initiator = request.Initiator,
        Send = send,
        ConfirmBy = PolicyClock.AddClamped(notBefore ?? now, configuration.SendConfirmation), // counted from when it may be used
        Text = request.Text,
    };
}
