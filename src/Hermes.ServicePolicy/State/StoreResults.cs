using System;

namespace Hermes.ServicePolicy.State;

/// <summary>What an append did: appended (the new head), or nothing because another writer moved the head first.</summary>
public readonly record struct AppendResult
{
    private AppendResult(bool appended, long head)
    {
        IsAppended = appended;
        Head = head;
    }

    /// <summary>Gets whether the batch was appended.</summary>
    public bool IsAppended { get; }

    /// <summary>Gets the head after the append, or the head that another writer reached first.</summary>
    public long Head { get; }

    /// <summary>The batch was appended; <paramref name="head"/> is its last event.</summary>
    public static AppendResult Appended(long head) => new(true, head);

    /// <summary>Nothing was written: the head is <paramref name="head"/>, not the position the batch was decided on.</summary>
    public static AppendResult Conflict(long head) => new(false, head);
}

/// <summary>The whole state at a log position, encoded by the policy; the store keeps it opaque and checks its integrity.</summary>
/// <param name="Position">The last event the state includes.</param>
/// <param name="TakenAt">When it was taken.</param>
/// <param name="Content">The encoded state.</param>
public sealed record StateSnapshot(long Position, DateTimeOffset TakenAt, ReadOnlyMemory<byte> Content);

/// <summary>What a store hands back at start-up.</summary>
/// <param name="Snapshot">The newest valid snapshot, or null: replay from the start.</param>
/// <param name="Head">The last durable event.</param>
public sealed record StoredState(StateSnapshot? Snapshot, long Head)
{
    /// <summary>Gets the counters checkpoint of a state directory from the previous release (only without a snapshot); applied after the replay.</summary>
    public PolicyCheckpoint? LegacyCheckpoint { get; init; }

    /// <summary>Gets the position history was pruned through (events up to it are gone), or 0.</summary>
    public long PrunedThrough { get; init; }
}

/// <summary>What a retention prune removed.</summary>
/// <param name="PrunedThrough">History is gone up to this event (inclusive); 0 when nothing was ever pruned.</param>
/// <param name="Events">Events removed by this call.</param>
/// <param name="Bytes">Bytes freed by this call.</param>
public readonly record struct HistoryPruneResult(long PrunedThrough, long Events, long Bytes);
