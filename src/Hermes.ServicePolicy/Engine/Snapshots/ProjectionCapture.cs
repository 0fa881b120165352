using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.Engine.Snapshots;

/// <summary>
/// The state as it is at one log position, taken inside the journal's gate: references to the immutable chat and draft
/// records, copies of the mutable tables (blocks, sends, handles, decided ids, counters). Nothing is sorted or
/// formatted here; <see cref="ProjectionSnapshotWriter"/> does that outside the gate.
/// </summary>
internal sealed class ProjectionCapture
{
    private ProjectionCapture(long position) => Position = position;

    public long Position { get; }

    public List<(ChatId Chat, ChatRecord Record, int Awaiting)> Chats { get; } = [];

    public List<KeyValuePair<ChatId, string>> Names { get; private init; } = [];

    public List<DraftRecord> Drafts { get; private init; } = [];

    public IReadOnlyList<(ChatId Phone, ChatId Lid)> Links { get; private init; } = [];

    public BlockLedgerState Blocks { get; private init; } = null!;

    public List<PendingSend> OpenSends { get; private init; } = [];

    public List<KeyValuePair<SendId, ClosedSend>> ClosedSends { get; private init; } = [];

    public List<(string Handle, string DraftId, DateTimeOffset? DecidedAt)> Handles { get; private init; } = [];

    public List<(string Id, long Ticks, DraftState State)> Decided { get; private init; } = [];

    public RateLimiterState Limiter { get; private init; } = RateLimiterState.Empty;

    public List<AgentSend> AgentSends { get; private init; } = [];

    /// <summary>Copies the state. Call inside the journal's gate (nothing that the log changes can move meanwhile).</summary>
    public static ProjectionCapture Take(StateProjection state, IRateLimiterState limiter, long position, DateTimeOffset now)
    {
        var capture = new ProjectionCapture(position)
        {
            Names = [.. state.Names],
            Drafts = [.. state.Drafts.Values],
            Links = state.Aliases.GetLinks(),
            Blocks = state.Blocks.Export(),
            OpenSends = state.Sends.Open(),
            ClosedSends = [.. state.Sends.Closed],
            Handles = state.Handles.Export(),
            Decided = state.Decided.Export(),
            Limiter = limiter.CaptureState(now),
            AgentSends = state.AgentSends.Capture(now),
        };
        foreach (var (chat, record) in state.Chats.Records())
        {
            state.Chats.TryGetSlot(chat, out var slot);
            capture.Chats.Add((chat, record, slot?.AwaitingReply ?? 0));
        }

        return capture;
    }
}
