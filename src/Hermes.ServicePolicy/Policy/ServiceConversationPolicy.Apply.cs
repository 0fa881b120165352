using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <summary>
    /// The one place state changes: applies an event to memory. Live commits and start-up replay both come here, so a
    /// restarted policy is exactly the policy that wrote the log.
    /// </summary>
    private void Apply(PolicyEvent e, bool replaying)
    {
        switch (e.Type)
        {
            case PolicyEventType.FirstContactDrafted:
            case PolicyEventType.DraftCreated:
            {
                var draft = new DraftRecord(
                    new DraftId(e.DraftId!), e.Chat, e.Text ?? string.Empty, e.HasMedia, e.SessionId, e.Initiator ?? Initiator.Operator,
                    e.Type == PolicyEventType.FirstContactDrafted, e.Timestamp, e.ExpiresAt ?? e.Timestamp, DraftState.Pending);
                _drafts[e.DraftId!] = draft;
                Update(e.Chat, e, r => r with { PendingDrafts = [.. r.PendingDrafts, e.DraftId!] });
                break;
            }

            case PolicyEventType.FirstContactApproved:
                DecideDraft(e, DraftState.Sent);
                break;

            case PolicyEventType.DraftApproved:
                DecideDraft(e, DraftState.Sent);
                Update(e.Chat, e, r => BindSession(r with { SentSinceDraftFirst = true }, e));
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

            case PolicyEventType.FirstContactSent:
                if (e.Count > 0 && replaying)
                {
                    _limiter.RecordNewChat(e.Timestamp); // live sends reserved their slot before the commit
                }

                Update(e.Chat, e, r => BindSession(
                    r.IsService
                        ? r with { SentSinceDraftFirst = true }
                        : r with { IsService = true, Revoked = false, Paused = false, Mode = e.ToMode, SentSinceDraftFirst = true },
                    e));
                break;

            case PolicyEventType.ChatApproved:
                Update(e.Chat, e, r => r with
                {
                    IsService = true,
                    Revoked = false,
                    Mode = e.ToMode,
                    SentSinceDraftFirst = r.IsService && r.Mode == e.ToMode && r.SentSinceDraftFirst,
                });
                break;

            case PolicyEventType.ChatPromoted:
            case PolicyEventType.ModeChanged:
                Update(e.Chat, e, r => r with
                {
                    Mode = e.ToMode,
                    SentSinceDraftFirst = e.ToMode != ServiceChatMode.DraftFirst && r.SentSinceDraftFirst,
                });
                break;

            case PolicyEventType.ChatPaused:
                Update(e.Chat, e, r => r with { Paused = true });
                break;

            case PolicyEventType.ChatResumed:
                Update(e.Chat, e, r => r with { Paused = false });
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
                });
                break;

            case PolicyEventType.AliasLinked:
                Link(e);
                break;

            case PolicyEventType.InboundBlocked:
            {
                CountBlockedEvent(e);
                if (e.Chat.IsEmpty)
                {
                    break; // a roll-up of blocks over the hourly cap: no chat, no tracker
                }

                var tracker = _blocks.GetOrAdd((e.Chat, e.Reason), static _ => new BlockTracker());
                lock (tracker)
                {
                    tracker.LastAuditTicks = e.Timestamp.UtcTicks;
                    tracker.Suppressed = 0;
                }

                _lastBlockedTicks.AddOrUpdate(e.Chat, e.Timestamp.UtcTicks, (_, old) => Math.Max(old, e.Timestamp.UtcTicks));
                break;
            }

            case PolicyEventType.CommandBlocked:
            case PolicyEventType.OutboundDenied:
                if (_chats.ContainsKey(e.Chat))
                {
                    Update(e.Chat, e, r => r);
                }

                break;

            case PolicyEventType.SessionBound:
                Update(e.Chat, e, r => BindSession(r, e));
                break;

            default:
                // policy_loaded / policy_rejected change no chat state: the configuration is re-applied at start-up.
                break;
        }
    }

    private void Update(ChatId chat, PolicyEvent e, Func<ChatRecord, ChatRecord> change)
    {
        var primary = _aliases.GetPrimary(chat);
        var record = _chats.TryGetValue(primary, out var existing) ? existing : new ChatRecord(primary);
        _chats[primary] = change(record) with { LastEventAt = e.Timestamp };
    }

    private static ChatRecord BindSession(ChatRecord record, PolicyEvent e)
        => record.Session is null && e.SessionId is not null ? record with { Session = e.SessionId, SessionBoundAt = e.Timestamp } : record;

    private void DecideDraft(PolicyEvent e, DraftState state)
    {
        if (e.DraftId is null || !_drafts.TryGetValue(e.DraftId, out var draft))
        {
            return;
        }

        _drafts[e.DraftId] = draft with { State = state };
        var primary = _aliases.GetPrimary(draft.Chat);
        if (_chats.TryGetValue(primary, out var record))
        {
            _chats[primary] = record with { PendingDrafts = Array.FindAll(record.PendingDrafts, id => !string.Equals(id, e.DraftId, StringComparison.Ordinal)) };
        }
    }

    /// <summary>Links a phone JID and a LID and merges their records: the most restrictive state, the earliest session.</summary>
    private void Link(PolicyEvent e)
    {
        if (_aliases.TryLink(e.Chat, e.Alias) != AliasLinkOutcome.Linked)
        {
            return;
        }

        ChatAliasRegistry.IsPair(e.Chat, e.Alias, out var phone, out var lid);

        // The LID's counters join the phone's: limits hold for every alias of one chat (on replay the limiter is
        // still empty and the checkpoint's counters are mapped to their primary when they are restored).
        _limiter.MergeChats(lid, phone);
        _chats.TryGetValue(phone, out var phoneRecord);
        if (_chats.TryRemove(lid, out var lidSlot))
        {
            var lidRecord = lidSlot.Record;
            var merged = phoneRecord is null ? lidRecord with { Chat = phone } : Merge(phoneRecord, lidRecord);
            _chats[phone] = merged with { LastEventAt = e.Timestamp };
            if (lidSlot.AwaitingReply != 0)
            {
                _chats.MarkAwaitingReply(phone);
            }
        }
        else if (phoneRecord is not null)
        {
            _chats[phone] = phoneRecord with { LastEventAt = e.Timestamp };
        }
    }

    private static ChatRecord Merge(ChatRecord phone, ChatRecord lid)
    {
        var restrictive = Restrictiveness(phone) >= Restrictiveness(lid) ? phone : lid;
        var earlier = (phone.SessionBoundAt, lid.SessionBoundAt) switch
        {
            (null, _) => lid,
            (_, null) => phone,
            ({ } a, { } b) => a <= b ? phone : lid,
        };
        return restrictive with
        {
            Chat = phone.Chat,
            Session = earlier.Session,
            SessionBoundAt = earlier.SessionBoundAt,
            PendingDrafts = [.. phone.PendingDrafts, .. lid.PendingDrafts],
        };
    }

    // revoked > paused > draft_only > draft_first > autonomous; a chat that is no service chat at all ranks lowest.
    private static int Restrictiveness(ChatRecord record) => record switch
    {
        { Revoked: true } => 5,
        { IsService: true, Paused: true } => 4,
        { IsService: true, Mode: ServiceChatMode.DraftOnly } => 3,
        { IsService: true, Mode: ServiceChatMode.DraftFirst or null } => 2,
        { IsService: true } => 1,
        _ => 0,
    };

    /// <summary>
    /// Keys checkpointed counters by each chat's primary identity as the log now has it: a link written after the
    /// checkpoint (or a checkpoint from before a link) must not leave a LID's sends where nobody counts them.
    /// </summary>
    private RateLimiterState ToPrimaries(RateLimiterState state)
    {
        var merged = new Dictionary<ChatId, (List<DateTimeOffset> Sends, int Consecutive)>();
        foreach (var window in state.Chats)
        {
            var primary = _aliases.GetPrimary(window.Chat);
            if (!merged.TryGetValue(primary, out var entry))
            {
                entry = ([], 0);
            }

            entry.Sends.AddRange(window.Sends);
            merged[primary] = (entry.Sends, entry.Consecutive + window.Consecutive);
        }

        var chats = new List<ChatSendWindow>(merged.Count);
        foreach (var (chat, (sends, consecutive)) in merged)
        {
            sends.Sort();
            chats.Add(new ChatSendWindow(chat, sends, consecutive));
        }

        return new RateLimiterState(chats);
    }
}
