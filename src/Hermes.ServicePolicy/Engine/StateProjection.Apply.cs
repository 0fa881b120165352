using System;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Engine;

internal sealed partial class StateProjection
{
    /// <summary>
    /// The one place state changes: applies a committed event. Live commits and start-up replay both come here.
    /// Events without a send id were written by the first edition, which recorded a send when it was decided; they
    /// keep that meaning (docs/state-and-backups.md).
    /// </summary>
    public void Apply(PolicyEvent e, bool replaying)
    {
        switch (e.Type)
        {
            case PolicyEventType.FirstContactDrafted:
            case PolicyEventType.DraftCreated:
            {
                var draft = new DraftRecord(
                    new DraftId(e.DraftId!), e.Chat, e.Text ?? string.Empty, e.HasMedia, e.SessionId, e.Initiator ?? Initiator.Operator,
                    e.Type == PolicyEventType.FirstContactDrafted, e.Timestamp, e.ExpiresAt ?? e.Timestamp, DraftState.Pending, e.Handle);
                Drafts[e.DraftId!] = draft;
                if (e.Handle is not null)
                {
                    Handles.Drafted(e.Handle, e.DraftId!);
                }

                Update(e.Chat, e, r => r with { PendingDrafts = r.PendingDrafts.Add(e.DraftId!) });
                break;
            }

            case PolicyEventType.FirstContactApproved:
            {
                var approved = DraftOf(e); // before it is decided: deciding drops its text
                DecideDraft(e, DraftState.Sent);
                if (!e.Send.IsEmpty)
                {
                    PermitFirstContact(e, replaying, approved);
                }
                else
                {
                    Forget(e.DraftId, e.Timestamp); // first edition: sent when decided
                }

                break;
            }

            case PolicyEventType.DraftApproved:
            {
                var approved = DraftOf(e);
                DecideDraft(e, DraftState.Sent);
                if (e.Send.IsEmpty)
                {
                    Update(e.Chat, e, r => BindSession(r with { SentSinceDraftFirst = true }, e, out _)); // first edition
                    Forget(e.DraftId, e.Timestamp);
                }
                else
                {
                    Permit(e, approved, replaying);
                }

                break;
            }

            case PolicyEventType.CountersSaved when replaying && e.Counters is { } counters:
                Restore(counters); // live, the counters are already in memory: the record only makes them durable
                break;

            case PolicyEventType.SendPermitted:
                if (replaying && CountsSendsFromLog)
                {
                    _limiter.RecordAutonomousSend(Aliases.GetPrimary(e.Chat), e.Timestamp); // decided by another process, or before a restart
                    Chats.MarkAwaitingReply(Aliases.GetPrimary(e.Chat));
                }

                Permit(e, null, replaying);
                break;

            case PolicyEventType.ReplyReceived:
                _limiter.RecordReply(Aliases.GetPrimary(e.Chat)); // live too: the count is reset only once the event is written
                break;

            case PolicyEventType.FirstContactSent when e.Send.IsEmpty:
                // First edition: the send was recorded when it was decided, and made the chat a service chat.
                if (e.Count > 0 && replaying)
                {
                    _limiter.RecordNewChat(e.Timestamp);
                }

                Update(e.Chat, e, r => BindSession(
                    r.IsService
                        ? r with { SentSinceDraftFirst = true }
                        : r with { IsService = true, Revoked = false, Paused = false, Mode = e.ToMode, SentSinceDraftFirst = true },
                    e,
                    out _));
                break;

            case PolicyEventType.FirstContactSent:
            case PolicyEventType.MessageSent:
                CloseSend(e, SendOutcome.Delivered, replaying);
                break;

            case PolicyEventType.SendUnknown:
                CloseSend(e, SendOutcome.Unknown, replaying);
                break;

            case PolicyEventType.SendFailed:
                FailSend(e, replaying);
                break;

            case PolicyEventType.FirstContactRejected:
            case PolicyEventType.DraftRejected:
                DecideDraft(e, DraftState.Rejected);
                break;

            case PolicyEventType.FirstContactExpired:
            case PolicyEventType.DraftExpired:
                DecideDraft(e, DraftState.Expired);
                break;

            case PolicyEventType.FirstContactCancelled:
            case PolicyEventType.DraftCancelled:
                DecideDraft(e, DraftState.Cancelled);
                break;

            case PolicyEventType.ChatApproved:
                Update(e.Chat, e, r => r with
                {
                    IsService = true,
                    Revoked = false,
                    Mode = e.ToMode,
                    SentSinceDraftFirst = r.IsService && r.Mode == e.ToMode && r.SentSinceDraftFirst,
                    ModeSequence = r.IsService && r.Mode == e.ToMode ? r.ModeSequence : e.Sequence,
                    LastOperatorSequence = e.Sequence,
                });
                break;

            case PolicyEventType.ChatPromoted:
            case PolicyEventType.ModeChanged:
                Update(e.Chat, e, r => r with
                {
                    Mode = e.ToMode,
                    SentSinceDraftFirst = e.ToMode != ServiceChatMode.DraftFirst && r.SentSinceDraftFirst,
                    ModeSequence = e.Sequence,
                    LastOperatorSequence = e.Type == PolicyEventType.ModeChanged ? e.Sequence : r.LastOperatorSequence,
                });
                break;

            case PolicyEventType.ChatPaused:
                Update(e.Chat, e, r => r with { Paused = true, LastOperatorSequence = e.Sequence });
                break;

            case PolicyEventType.ChatResumed:
                Update(e.Chat, e, r => r with { Paused = false, LastOperatorSequence = e.Sequence });
                break;

            case PolicyEventType.ChatRevoked:
                Update(e.Chat, e, r => r with
                {
                    Revoked = true,
                    IsService = false,
                    Paused = false,
                    Mode = null,
                    Session = null,
                    SessionBoundAt = null,
                    SentSinceDraftFirst = false,
                    LastOperatorSequence = e.Sequence,
                });
                break;

            case PolicyEventType.AliasLinked:
                Link(e);
                break;

            case PolicyEventType.InboundBlocked:
                Blocks.Apply(e, replaying);
                break;

            case PolicyEventType.OwnerMessage:
                Update(e.Chat, e, r => r with { OwnerTypedAt = e.Timestamp }); // the hold is derived from the log: every replica and restart agrees
                break;

            case PolicyEventType.OwnerHandedBack:
                Update(e.Chat, e, r => r with { OwnerTypedAt = null });
                break;

            case PolicyEventType.CommandBlocked:
            case PolicyEventType.OutboundDenied:
                if (Chats.ContainsKey(Aliases.GetPrimary(e.Chat)))
                {
                    Update(e.Chat, e, r => r);
                }

                break;

            case PolicyEventType.SessionBound:
                Update(e.Chat, e, r => BindSession(r, e, out _));
                break;

            default:
                // policy_loaded / policy_rejected change no chat state: the configuration is re-applied at start-up.
                break;
        }
    }

    // A first contact's permit: the chat becomes a service chat now (a reply before the confirmation is routed), the
    // daily slot is taken, the session bound; a failure undoes exactly these.
    private DraftRecord? DraftOf(PolicyEvent e) => e.DraftId is not null && Drafts.TryGetValue(e.DraftId, out var draft) ? draft : null;

    private void PermitFirstContact(PolicyEvent e, bool replaying, DraftRecord? draft)
    {
        var tookSlot = e.Count > 0;
        if (tookSlot && replaying)
        {
            _limiter.RecordNewChat(e.Timestamp); // a live permit reserved its slot before the commit
        }

        var bound = false;
        Update(e.Chat, e, r => BindSession(
            r.IsService ? r : r with { IsService = true, Revoked = false, Paused = false, Mode = e.ToMode, SentSinceDraftFirst = false, ModeSequence = e.Sequence },
            e,
            out bound));
        var pending = new PendingSend(
            e.Send, e.Chat, draft?.Text ?? e.Text ?? string.Empty, e.SessionId, e.Initiator ?? draft?.Initiator ?? Initiator.Operator, true,
            draft?.Id ?? default, e.Timestamp, e.ConfirmBy ?? e.Timestamp, e.Sequence) { TookSlot = tookSlot, BoundSession = bound };
        Sends.AddDurable(pending);
        CountAgentPermit(pending, replaying || draft is not null);
    }

    private void Permit(PolicyEvent e, DraftRecord? draft, bool replaying)
    {
        var bound = false;
        Update(e.Chat, e, r => BindSession(r, e, out bound));
        var pending = new PendingSend(
            e.Send, e.Chat, draft?.Text ?? e.Text ?? string.Empty, e.SessionId, e.Initiator ?? draft?.Initiator ?? Initiator.Agent, false,
            draft?.Id ?? default, e.Timestamp, e.ConfirmBy ?? e.Timestamp, e.Sequence) { BoundSession = bound };
        Sends.AddDurable(pending);
        CountAgentPermit(pending, replaying || draft is not null);
    }

    // The agent's permits count for its pacing: live, an agent send was counted when it was checked (and an approval of
    // its draft is counted here); a replay counts every permit it reads.
    private void CountAgentPermit(PendingSend pending, bool count)
    {
        if (count && pending.Initiator == Initiator.Agent && AgentSends.Tracking)
        {
            AgentSends.Record(Aliases.GetPrimary(pending.Chat), pending.Id, pending.IssuedAt, SentTextFingerprint.Of(pending.Text));
        }
    }

    // delivered or unknown: a fact. It changes no state, except that it counts as "we have sent" for promotion when the
    // chat is still in the mode the send was decided in.
    private void CloseSend(PolicyEvent e, SendOutcome outcome, bool replaying)
    {
        var pending = Sends.Close(e.Send, outcome, e.Timestamp);
        CountUnseenPermit(e, pending, replaying);
        Forget(pending?.Draft.Value ?? e.DraftId, e.Timestamp); // its send went out (or counts as sent): the draft is history now
        // The report says when its send was decided (a permit restored from a counters record does not know).
        var decidedAt = e.DecidedAt > 0 ? e.DecidedAt : pending?.DecidedAt ?? e.Sequence;
        var primary = Aliases.GetPrimary(e.Chat);
        if (Chats.TryGetValue(primary, out var record) && record.IsService && !record.Revoked && decidedAt >= record.ModeSequence)
        {
            Chats[primary] = record with { SentSinceDraftFirst = true, LastEventAt = e.Timestamp, Changed = e.Sequence };
        }
    }

    // An autonomous permit a replay never saw (issued and reported between two counters records) still counted for the
    // agent's pacing: from when it was permitted, as it was live.
    private void CountUnseenPermit(PolicyEvent e, PendingSend? pending, bool replaying)
    {
        if (pending is null && replaying && e.Initiator == Initiator.Agent && !e.Send.IsEmpty && AgentSends.Tracking)
        {
            AgentSends.Record(Aliases.GetPrimary(e.Chat), e.Send, e.PermittedAt ?? e.Timestamp, e.Text is { } text ? SentTextFingerprint.Of(text) : 0);
        }
    }

    // failed: undoes exactly what the send did and nothing later changed (docs/behaviour.md#sending).
    private void FailSend(PolicyEvent e, bool replaying)
    {
        var pending = Sends.Close(e.Send, SendOutcome.Failed, e.Timestamp);
        CountUnseenPermit(e, pending, replaying);
        AgentSends.Fail(e.Send);
        if (pending is null)
        {
            // An autonomous permit a replay never saw (issued and reported between two counters records): it took no
            // slot, bound nothing and had no draft, so the report only touches the chat, as it did live.
            if (Chats.TryGetValue(Aliases.GetPrimary(e.Chat), out var touched))
            {
                Chats[touched.Chat] = touched with { LastEventAt = e.Timestamp, Changed = e.Sequence };
            }

            return;
        }

        if (pending.TookSlot)
        {
            _limiter.ReleaseNewChat(pending.IssuedAt);
        }

        var primary = Aliases.GetPrimary(pending.Chat);
        if (Chats.TryGetValue(primary, out var record))
        {
            if (pending.TookSlot && record.IsService && record.LastOperatorSequence < pending.DecidedAt)
            {
                record = record with { IsService = false, Mode = null, Paused = false, SentSinceDraftFirst = false };
            }

            if (pending.BoundSession && record.Session is not null && string.Equals(record.Session, pending.Session, StringComparison.Ordinal))
            {
                record = record with { Session = null, SessionBoundAt = null };
            }

            Chats[primary] = record with { LastEventAt = e.Timestamp, Changed = e.Sequence };
        }

        if (!pending.Draft.IsEmpty && Drafts.TryGetValue(pending.Draft.Value!, out var draft) && draft.State == DraftState.Sent)
        {
            // Pending again, same id and expiry; an expiry or cancellation in the same batch closes it at once.
            Drafts[draft.Id.Value!] = draft with { State = DraftState.Pending, Text = pending.Text, DecidedAt = null };
            if (draft.Handle is not null)
            {
                Handles.Reopened(draft.Handle, draft.Id.Value!);
            }

            Update(draft.Chat, e, r => r with { PendingDrafts = r.PendingDrafts.Add(draft.Id.Value!) });
        }
    }

    private void Update(ChatId chat, PolicyEvent e, Func<ChatRecord, ChatRecord> change)
    {
        var primary = Aliases.GetPrimary(chat);
        var record = Chats.TryGetValue(primary, out var existing) ? existing : new ChatRecord(primary);
        Chats[primary] = change(record) with { LastEventAt = e.Timestamp, Changed = e.Sequence };
    }

    private static ChatRecord BindSession(ChatRecord record, PolicyEvent e, out bool bound)
    {
        bound = record.Session is null && e.SessionId is not null;
        return bound ? record with { Session = e.SessionId, SessionBoundAt = e.Timestamp } : record;
    }

    private void DecideDraft(PolicyEvent e, DraftState state)
    {
        if (e.DraftId is null || !Drafts.TryGetValue(e.DraftId, out var draft))
        {
            return;
        }

        if (state == DraftState.Sent)
        {
            // Kept (without its text) until its send is reported: a failed send makes it pending again.
            Drafts[e.DraftId] = draft with { State = state, Text = string.Empty, DecidedAt = e.Timestamp };
        }
        else
        {
            Drafts.TryRemove(e.DraftId, out _); // decided for good: history keeps it, memory keeps its id for 30 days
            Decided.Remember(e.DraftId, e.Timestamp, state);
        }
        if (draft.Handle is not null)
        {
            Handles.Decided(draft.Handle, e.Timestamp);
        }

        var primary = Aliases.GetPrimary(draft.Chat);
        if (Chats.TryGetValue(primary, out var record))
        {
            Chats[primary] = record with { PendingDrafts = record.PendingDrafts.Remove(e.DraftId, StringComparer.Ordinal) };
        }
    }

    /// <summary>An approved draft whose send was reported: it leaves memory, its id is remembered as decided.</summary>
    private void Forget(string? draftId, DateTimeOffset at)
    {
        if (draftId is not null && Drafts.TryGetValue(draftId, out var draft) && draft.State == DraftState.Sent)
        {
            Drafts.TryRemove(draftId, out _);
            Decided.Remember(draftId, at, DraftState.Sent);
        }
    }
}
