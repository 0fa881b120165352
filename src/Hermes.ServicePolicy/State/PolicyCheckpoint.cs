using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The bookkeeping that is persisted in batches rather than event by event (docs/state-and-backups.md): autonomous-send
/// counters and the blocks counted since each (chat, reason) pair's last <c>inbound_blocked</c> event. The policy
/// saves one at least once a second while something changed, and at a clean shutdown; a crash may forget the last
/// second of it, never anything the log holds.
/// </summary>
/// <param name="TakenAt">When it was taken.</param>
/// <param name="RateLimits">The rate limiter's counters.</param>
/// <param name="Blocks">Suppressed inbound blocks.</param>
public sealed record PolicyCheckpoint(DateTimeOffset TakenAt, RateLimiterState RateLimits, IReadOnlyList<BlockCount> Blocks)
{
    /// <summary>Blocks over the hourly cap of <c>inbound_blocked</c> events, per reason, not yet written as a roll-up.</summary>
    public IReadOnlyList<CappedBlockCount> CappedBlocks { get; init; } = [];

    /// <summary>Autonomous send permits still waiting for the host's report (docs/behaviour.md#sending).</summary>
    public IReadOnlyList<OpenPermit> Permits { get; init; } = [];
}

/// <summary>An autonomous send permit waiting for the host's report, kept with the batched counters.</summary>
/// <param name="Send">The send id.</param>
/// <param name="Chat">The chat.</param>
/// <param name="Text">The exact text permitted (audited with <c>message_sent</c> when it is delivered).</param>
/// <param name="Session">The session it belongs to.</param>
/// <param name="Initiator">Who asked for it.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ConfirmBy">When the sweep closes it as unknown.</param>
public sealed record OpenPermit(SendId Send, ChatId Chat, string Text, string? Session, Initiator Initiator, DateTimeOffset IssuedAt, DateTimeOffset ConfirmBy)
{
    /// <summary>Gets the log position the permit was decided at (0 when a previous release wrote it).</summary>
    public long DecidedAt { get; init; }
}

/// <summary>Blocks of one reason, in one UTC clock hour, that were over the cap of <c>inbound_blocked</c> events.</summary>
/// <param name="Hour">The start of the hour.</param>
/// <param name="Reason">The reason they were blocked.</param>
/// <param name="Count">How many.</param>
public sealed record CappedBlockCount(DateTimeOffset Hour, ReasonCode Reason, int Count);

/// <summary>Blocks of one (chat, reason) pair counted since its last <c>inbound_blocked</c> event.</summary>
/// <param name="Chat">The chat.</param>
/// <param name="Reason">The reason it was blocked.</param>
/// <param name="Suppressed">Blocks since the last event (they go into the next event's count).</param>
/// <param name="LastBlockedAt">The latest block.</param>
public sealed record BlockCount(ChatId Chat, ReasonCode Reason, int Suppressed, DateTimeOffset LastBlockedAt);
