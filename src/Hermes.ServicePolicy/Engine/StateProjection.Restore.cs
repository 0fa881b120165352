using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

internal sealed partial class StateProjection
{
    /// <summary>Links a phone JID and a LID and merges their records: the most restrictive state, the earliest session.</summary>
    private void Link(PolicyEvent e)
    {
        if (Aliases.TryLink(e.Chat, e.Alias) != AliasLinkOutcome.Linked)
        {
            return;
        }

        ChatAliasRegistry.IsPair(e.Chat, e.Alias, out var phone, out var lid);

        // The LID's counters join the phone's: limits hold for every alias of one chat (on replay the limiter is
        // still empty and the checkpoint's counters are mapped to their primary when they are restored).
        _limiter.MergeChats(lid, phone);
        AgentSends.Merge(lid, phone);
        Chats.TryGetValue(phone, out var phoneRecord);
        if (Chats.TryRemove(lid, out var lidSlot))
        {
            var lidRecord = lidSlot.Record;
            var merged = phoneRecord is null ? lidRecord with { Chat = phone } : Merge(phoneRecord, lidRecord);
            Chats[phone] = merged with { LastEventAt = e.Timestamp, Changed = e.Sequence };
            if (lidSlot.AwaitingReply != 0)
            {
                Chats.MarkAwaitingReply(phone);
            }
        }
        else if (phoneRecord is not null)
        {
            Chats[phone] = phoneRecord with { LastEventAt = e.Timestamp, Changed = e.Sequence };
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
            PendingDrafts = phone.PendingDrafts.AddRange(lid.PendingDrafts),
            LastOperatorSequence = Math.Max(phone.LastOperatorSequence, lid.LastOperatorSequence),
            OwnerTypedAt = phone.OwnerTypedAt > lid.OwnerTypedAt || lid.OwnerTypedAt is null ? phone.OwnerTypedAt : lid.OwnerTypedAt, // the later hold
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

    /// <summary>Restores a checkpoint's batched bookkeeping, after the log's replay and before any decision.</summary>
    public void Restore(PolicyCheckpoint checkpoint)
    {
        var rateLimits = ToPrimaries(checkpoint.RateLimits);
        _limiterState.RestoreState(rateLimits);
        foreach (var window in rateLimits.Chats)
        {
            if (window.Consecutive > 0)
            {
                Chats.MarkAwaitingReply(window.Chat);
            }
        }

        Blocks.Restore(checkpoint.Blocks, checkpoint.CappedBlocks);
        foreach (var permit in checkpoint.Permits)
        {
            // A permit whose report is in the log after the checkpoint is closed already.
            if (!Sends.TryGetClosed(permit.Send, out _))
            {
                var known = Sends.TryGetOpen(permit.Send, out _); // a later counters record lists a permit still open again
                var pending = new PendingSend(permit.Send, permit.Chat, permit.Text, permit.Session, permit.Initiator, false, default, permit.IssuedAt, permit.ConfirmBy, permit.DecidedAt);
                Sends.AddDurable(pending);
                CountAgentPermit(pending, !known);
            }
        }
    }

    /// <summary>
    /// Keys checkpointed counters by each chat's primary identity as the log now has it: a link written after the
    /// checkpoint (or a checkpoint from before a link) must not leave a LID's sends where nobody counts them.
    /// </summary>
    private RateLimiterState ToPrimaries(RateLimiterState state)
    {
        var merged = new Dictionary<ChatId, (List<DateTimeOffset> Sends, int Consecutive)>();
        foreach (var window in state.Chats)
        {
            var primary = Aliases.GetPrimary(window.Chat);
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
