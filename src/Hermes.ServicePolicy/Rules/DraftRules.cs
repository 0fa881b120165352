using System;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Draft decisions (docs/behaviour.md, "Drafts"), as pure functions of the draft, the chat view, the configuration and now.</summary>
internal static class DraftRules
{
    /// <summary>
    /// Why a draft can no longer be approved or rejected: decided already, or expired (approvable while
    /// <c>now &lt; created + TTL</c>). <see cref="ReasonCode.None"/> while it is pending. <paramref name="expiresNow"/>
    /// says the expiry must be written (once, when the draft is first touched after its time).
    /// </summary>
    public static ReasonCode Closed(DraftRecord draft, DateTimeOffset now, out bool expiresNow)
    {
        expiresNow = draft.State == DraftState.Pending && now >= draft.ExpiresAt;
        return draft.State switch
        {
            DraftState.Expired => ReasonCode.DraftExpired,
            DraftState.Pending => expiresNow ? ReasonCode.DraftExpired : ReasonCode.None,
            _ => ReasonCode.DraftAlreadyDecided,
        };
    }

    /// <summary>The approval's permit event: <c>first_contact_approved</c> (taking a slot when the chat is not a service chat yet) or <c>draft_approved</c>.</summary>
    public static PolicyEvent Permit(DraftRecord draft, in ChatView view, string actor, SendId send, bool tookSlot, DateTimeOffset now, PolicyConfiguration configuration) => new()
    {
        Type = draft.IsFirstContact ? PolicyEventType.FirstContactApproved : PolicyEventType.DraftApproved,
        Timestamp = now,
        Chat = view.Primary,
        Actor = actor,
        DraftId = draft.Id.Value,
        SessionId = draft.Session,
        ToMode = draft.IsFirstContact ? (view.IsService ? view.Mode : configuration.DefaultMode) : null,
        Initiator = draft.Initiator,
        Count = tookSlot ? 1 : 0,
        Send = send,
        ConfirmBy = PolicyClock.AddClamped(now, configuration.SendConfirmation),
    };

    public static PolicyEvent Expiry(DraftRecord draft, ChatId primary, DateTimeOffset now) => new()
    {
        Handle = draft.Handle,
        Type = draft.IsFirstContact ? PolicyEventType.FirstContactExpired : PolicyEventType.DraftExpired,
        Timestamp = now,
        Chat = primary,
        Actor = ActorNames.SystemActor,
        DraftId = draft.Id.Value,
    };

    public static PolicyEvent Rejection(DraftRecord draft, ChatId primary, string actor, DateTimeOffset now) => new()
    {
        Handle = draft.Handle,
        Type = draft.IsFirstContact ? PolicyEventType.FirstContactRejected : PolicyEventType.DraftRejected,
        Timestamp = now,
        Chat = primary,
        Actor = actor,
        DraftId = draft.Id.Value,
    };

    public static PolicyEvent Cancellation(DraftRecord draft, ChatId primary, string actor, DateTimeOffset now) => new()
    {
        Handle = draft.Handle,
        Type = draft.IsFirstContact ? PolicyEventType.FirstContactCancelled : PolicyEventType.DraftCancelled,
        Timestamp = now,
        Chat = primary,
        Actor = actor,
        DraftId = draft.Id.Value,
        Reason = ReasonCode.Revoked,
    };
}
