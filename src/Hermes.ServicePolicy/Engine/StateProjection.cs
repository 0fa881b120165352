using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The policy's state as the log has built it: chats, drafts, aliases, names, blocks and open sends. Every change
/// comes through <see cref="Apply"/> (StateProjection.Apply.cs), live and at start-up, so a restarted policy is
/// exactly the policy that wrote the log. Reads are lock-free: records are immutable and swapped atomically.
/// </summary>
internal sealed partial class StateProjection
{
    private readonly IRateLimiter _limiter;
    private readonly IRateLimiterState _limiterState;

    public StateProjection(IRateLimiter limiter, IRateLimiterState limiterState)
    {
        _limiter = limiter;
        _limiterState = limiterState;
    }

    /// <summary>
    /// Gets or sets whether autonomous sends and replies are counted from the log (a shared store: every permit and reply
    /// is an event, written by whichever process decided it) instead of from batched counters records.
    /// </summary>
    public bool CountsSendsFromLog { get; set; }

    public ChatTable Chats { get; } = new();

    public ConcurrentDictionary<string, DraftRecord> Drafts { get; } = new(StringComparer.Ordinal);

    public ChatAliasRegistry Aliases { get; } = new();

    public ConcurrentDictionary<ChatId, string> Names { get; } = new();

    public BlockLedger Blocks { get; } = new();

    public SendLedger Sends { get; } = new();

    /// <summary>The agent's recent permits, for the pacing rules (spacing, the daily cap, duplicates).</summary>
    public AgentSends AgentSends { get; } = new();

    public DraftHandles Handles { get; } = new();

    /// <summary>Drafts decided in the last 30 days, by id only (the drafts themselves are gone from memory).</summary>
    public DecidedDrafts Decided { get; } = new();

    public ChatId PrimaryOf(ChatId chat) => Aliases.GetPrimary(chat);

    public ChatView View(ChatId chat, PolicyConfiguration configuration) => View(Chats, Aliases, chat, configuration);

    /// <summary>
    /// <see cref="View(ChatId, PolicyConfiguration)"/> over a table and aliases the caller holds: the inbound hot path
    /// keeps both in its own fields, two dependent loads fewer before the chat's slot.
    /// </summary>
    public static ChatView View(ChatTable chats, ChatAliasRegistry aliases, ChatId chat, PolicyConfiguration configuration)
    {
        var primary = aliases.GetPrimary(chat);
        chats.TryGetSlot(primary, out var slot);
        return View(aliases, primary, slot, configuration);
    }

    /// <summary>The view of a chat whose primary identity and slot (<see langword="null"/> when it has none) the caller has already looked up.</summary>
    public static ChatView View(ChatAliasRegistry aliases, ChatId primary, ChatSlot? slot, PolicyConfiguration configuration)
    {
        var record = slot?.Record;
        var configured = false;
        if (record is not { Revoked: true } && record is not { IsService: true } && primary.IsOneToOne
            && (configuration.ApprovedChatCount > 0 || configuration.PatternCount > 0))
        {
            aliases.TryGetAlias(primary, out var alias);
            configured = configuration.IsConfigured(primary, alias);
        }

        return new ChatView(primary, slot, record, configured, configuration.DefaultMode);
    }

    /// <summary>
    /// Whether a transport's alternate JID links a phone and a LID: when either is a known chat and neither is linked
    /// yet (links are never moved). Written as an <c>alias_linked</c> event before the message is decided.
    /// </summary>
    public bool NeedsAliasLink(ChatId chat, ChatId alternate, PolicyConfiguration configuration)
    {
        if (alternate.IsEmpty || !ChatAliasRegistry.IsPair(chat, alternate, out var phone, out var lid))
        {
            return false;
        }

        if (Aliases.TryGetAlias(phone, out _) || Aliases.TryGetAlias(lid, out _))
        {
            return false; // already linked (to each other or elsewhere)
        }

        return Chats.ContainsKey(phone) || Chats.ContainsKey(lid) || configuration.IsConfigured(phone, default) || configuration.IsConfigured(lid, default);
    }

    public bool IsRecentlyBlocked(ChatId primary, DateTimeOffset now)
    {
        Aliases.TryGetAlias(primary, out var alias);
        return Blocks.IsRecentlyBlocked(primary, alias, now);
    }

    /// <summary>The status of docs/behaviour.md#states-and-modes, first that applies.</summary>
    public ServiceChatStatus StatusOf(in ChatView view, DateTimeOffset now)
    {
        if (view.IsRevoked)
        {
            return ServiceChatStatus.Revoked;
        }

        if (view.IsService)
        {
            return view.IsPaused ? ServiceChatStatus.Paused : view.Mode switch
            {
                ServiceChatMode.DraftFirst => ServiceChatStatus.DraftFirst,
                ServiceChatMode.DraftOnly => ServiceChatStatus.DraftOnly,
                _ => ServiceChatStatus.Autonomous,
            };
        }

        if (view.Record is { } record)
        {
            foreach (var id in record.PendingDrafts)
            {
                if (Drafts.TryGetValue(id, out var draft) && draft.IsFirstContact && draft.State == DraftState.Pending && now < draft.ExpiresAt)
                {
                    return ServiceChatStatus.Pending;
                }
            }
        }

        return IsRecentlyBlocked(view.Primary, now) ? ServiceChatStatus.Blocked : ServiceChatStatus.None;
    }

    public string? NameOf(ChatId primary)
    {
        if (Names.TryGetValue(primary, out var name))
        {
            return name;
        }

        return Aliases.TryGetAlias(primary, out var alias) && Names.TryGetValue(alias, out name) ? name : null;
    }

    /// <summary>Chats with a record or blocked in the last 7 days, with their status (docs/behaviour.md#discovery).</summary>
    public List<KnownChat> KnownChats(PolicyConfiguration configuration, DateTimeOffset now)
    {
        var known = new Dictionary<ChatId, KnownChat>();
        foreach (var (chat, record) in Chats.Records())
        {
            var view = View(chat, configuration);
            var status = StatusOf(view, now);
            if (status != ServiceChatStatus.None)
            {
                known[view.Primary] = new KnownChat(view.Primary, NameOf(view.Primary), record.LastEventAt, status);
            }
        }

        foreach (var (chat, ticks) in Blocks.LastBlocked)
        {
            var primary = Aliases.GetPrimary(chat);
            var at = new DateTimeOffset(ticks, TimeSpan.Zero);
            if (now - at < BlockLedger.ListingWindow && (!known.TryGetValue(primary, out var existing) || Nullable.Compare(existing.LastActivity, at) < 0))
            {
                var status = existing.Chat.IsEmpty ? StatusOf(View(primary, configuration), now) : existing.Status;
                known[primary] = new KnownChat(primary, NameOf(primary), at, status);
            }
        }

        return [.. known.Values];
    }

    /// <summary>Drafts that wait for approval (expired ones excluded), oldest first.</summary>
    /// <summary>
    /// The drafts waiting for the owner now (pending and not past their expiry), in all and for one chat (any alias): the
    /// input of <c>max_pending_drafts</c>. One pass, without a lock; the dictionary holds only drafts not yet decided for good.
    /// </summary>
    public int CountPendingDrafts(DateTimeOffset now, ChatId primary, out int inChat)
    {
        var all = 0;
        inChat = 0;
        foreach (var (_, draft) in Drafts)
        {
            if (draft.State == DraftState.Pending && now < draft.ExpiresAt)
            {
                all++;
                inChat += Aliases.GetPrimary(draft.Chat) == primary ? 1 : 0;
            }
        }

        return all;
    }

    public List<DraftRecord> PendingDrafts(DateTimeOffset now)
    {
        var pending = new List<DraftRecord>();
        foreach (var draft in Drafts.Values)
        {
            if (draft.State == DraftState.Pending && now < draft.ExpiresAt)
            {
                pending.Add(draft);
            }
        }

        pending.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return pending;
    }
}
