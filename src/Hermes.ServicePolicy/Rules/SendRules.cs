using System;
using System.Collections.Generic;
using System.Text;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Send confirmations (docs/behaviour.md#sending), as pure functions of the permit, the report, the state and now.</summary>
internal static class SendRules
{
    /// <summary>The longest error text an event keeps.</summary>
    public const int MaxErrorLength = 500;

    /// <summary>
    /// Decides a report for <paramref name="id"/>: the events to write (none for a repeated report with the same
    /// outcome), or <see cref="ReasonCode.UnknownSend"/>. A <c>failed</c> report of an approved draft that cannot be
    /// pending again is followed, in the same batch, by its expiry or cancellation.
    /// </summary>
    public static ReasonCode Confirm(StateProjection state, SendId id, in SendReport report, DateTimeOffset now, List<PolicyEvent> events)
    {
        if (state.Sends.TryGetClosed(id, out var closed))
        {
            return closed.Outcome == report.Outcome ? ReasonCode.None : ReasonCode.UnknownSend; // the first report wins
        }

        if (id.IsEmpty || !state.Sends.TryGetOpen(id, out var pending) || pending is null)
        {
            return ReasonCode.UnknownSend;
        }

        events.Add(Close(state, pending, report.Outcome, report.TransportMessageId, CleanError(report.Error), ReasonCode.None, now));
        if (report.Outcome == SendOutcome.Failed && !pending.Draft.IsEmpty && state.Drafts.TryGetValue(pending.Draft.Value!, out var draft))
        {
            var primary = state.PrimaryOf(draft.Chat);
            var revoked = state.Chats.TryGetValue(primary, out var record) && record.Revoked;
            if (revoked)
            {
                events.Add(DraftRules.Cancellation(draft, primary, ActorNames.SystemActor, now));
            }
            else if (now >= draft.ExpiresAt)
            {
                events.Add(DraftRules.Expiry(draft, primary, now));
            }
        }

        return ReasonCode.None;
    }

    /// <summary>The event that closes a permit with <paramref name="outcome"/> (actor <c>system</c>).</summary>
    public static PolicyEvent Close(StateProjection state, PendingSend pending, SendOutcome outcome, string? transportMessageId, string? error, ReasonCode reason, DateTimeOffset now) => new()
    {
        Type = outcome switch
        {
            SendOutcome.Delivered => pending.FirstContact ? PolicyEventType.FirstContactSent : PolicyEventType.MessageSent,
            SendOutcome.Failed => PolicyEventType.SendFailed,
            _ => PolicyEventType.SendUnknown,
        },
        Timestamp = now,
        Chat = state.PrimaryOf(pending.Chat),
        Actor = ActorNames.SystemActor,
        Reason = reason,
        Send = pending.Id,
        DecidedAt = pending.DecidedAt,
        PermittedAt = pending.IssuedAt,
        Initiator = pending.Initiator,
        FirstContact = outcome != SendOutcome.Delivered && pending.FirstContact,
        DraftId = pending.Draft.Value,
        Handle = !pending.Draft.IsEmpty && state.Drafts.TryGetValue(pending.Draft.Value!, out var draft) ? draft.Handle : null,
        SessionId = outcome == SendOutcome.Delivered ? pending.Session : null,
        Text = outcome == SendOutcome.Delivered ? pending.Text : null,
        TransportMessageId = outcome == SendOutcome.Delivered ? transportMessageId : null,
        Error = outcome == SendOutcome.Delivered ? null : error,
    };

    /// <summary>Host-supplied error text: control characters removed, cut to <see cref="MaxErrorLength"/> characters.</summary>
    public static string? CleanError(string? error)
    {
        if (error is null)
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(error.Length, MaxErrorLength));
        foreach (var c in error)
        {
            if (builder.Length == MaxErrorLength)
            {
                break;
            }

            if (!char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        // Never end on half a surrogate pair.
        if (builder.Length > 0 && char.IsHighSurrogate(builder[^1]))
        {
            builder.Length--;
        }

        return builder.ToString();
    }
}
