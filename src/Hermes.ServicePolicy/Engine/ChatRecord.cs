using System;
using System.Collections.Immutable;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The runtime state of one chat, keyed by its primary identity. Immutable: a change builds a new record and swaps
/// it into the dictionary, so readers on the hot path never lock and never see half a change.
/// </summary>
internal sealed record ChatRecord(ChatId Chat)
{
    /// <summary>Became a service chat by first contact or by the operator's approval (not by configuration).</summary>
    public bool IsService { get; init; }

    /// <summary>The mode it got or was set to; null means "the current default_mode" (configured chats).</summary>
    public ServiceChatMode? Mode { get; init; }

    public bool Paused { get; init; }

    public bool Revoked { get; init; }

    public string? Session { get; init; }

    public DateTimeOffset? SessionBoundAt { get; init; }

    /// <summary>We sent at least one message since the chat last entered draft_first (the promotion rule).</summary>
    public bool SentSinceDraftFirst { get; init; }

    public DateTimeOffset? LastEventAt { get; init; }

    /// <summary>
    /// When the owner last typed into the chat (<c>owner_message</c>), unless they handed it back since: the start of
    /// the takeover hold, which lasts <c>owner_takeover_minutes</c> of the configuration in force.
    /// </summary>
    public DateTimeOffset? OwnerTypedAt { get; init; }

    /// <summary>
    /// The log position of the latest event that changed the record. Readers that answer without the gate compare it
    /// with the durable position: a change not yet durable sends them to wait for it. Not part of a snapshot (0 there).
    /// </summary>
    public long Changed { get; init; }

    /// <summary>The log position of the latest operator action on the chat (a failed first contact undoes only what nothing later changed).</summary>
    public long LastOperatorSequence { get; init; }

    /// <summary>The log position at which the chat entered its current mode (a send decided after it counts for promotion).</summary>
    public long ModeSequence { get; init; }

    /// <summary>
    /// Ids of drafts to this chat that wait for a decision, oldest first. Immutable with structural sharing, so adding or
    /// removing one costs O(log n) instead of copying the chat's whole list for every draft.
    /// </summary>
    public ImmutableList<string> PendingDrafts { get; init; } = [];
}

/// <summary>The lifecycle of a draft.</summary>
internal enum DraftState
{
    Pending,
    Sent,
    Rejected,
    Expired,
    Cancelled,
}

/// <summary>
/// A draft, immutable like <see cref="ChatRecord"/>. Once decided its text is dropped from memory (the log keeps it for
/// history, and a send that fails carries the text it reopens the draft with), so decided drafts cost a small tombstone.
/// </summary>
internal sealed record DraftRecord(
    DraftId Id,
    ChatId Chat,
    string Text,
    bool HasMedia,
    string? Session,
    Initiator Initiator,
    bool IsFirstContact,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DraftState State,
    string? Handle = null)
{
    /// <summary>When it was decided (decided drafts are forgotten 30 days later; history keeps them).</summary>
    public DateTimeOffset? DecidedAt { get; init; }
}
