using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The durable log the policy's state is rebuilt from, and the snapshots that spare a restart from replaying it
/// (docs/state-and-backups.md). Every state change and its audit record is one <see cref="PolicyEvent"/>, so they are
/// written together or not at all.
/// </summary>
/// <remarks>
/// <para>
/// The store owns the sequence. An append names the position it was decided on; when another writer got there first the
/// store answers <see cref="AppendResult.Conflict"/> with its head, nothing is written, and the policy reads what it
/// missed (<see cref="ReadAsync"/>) and decides again. A store with one writer (the file store holds a lock) never
/// conflicts.
/// </para>
/// <para>
/// An append is ordered at once and durable after <see cref="SyncAsync"/>: the policy decides, appends inside its
/// critical section, and waits for durability outside it, so concurrent changes share one flush (group commit). No
/// decision is answered before the change it rests on is durable.
/// </para>
/// </remarks>
public interface IServiceStateStore
{
    /// <summary>Gets whether other processes may append to the same state (a shared database): then every counted send is appended on its own.</summary>
    bool IsShared { get; }

    /// <summary>Opens the state for a policy: the newest valid snapshot, counters from a previous release, and the head.</summary>
    /// <exception cref="StateStoreCorruptedException">The state is damaged and no valid snapshot plus log can rebuild it.</exception>
    ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the durable events after <paramref name="afterPosition"/> (exclusive), oldest first, up to the head when the
    /// read began. Start-up replays what follows the snapshot with it; history reads and catching up use it too.
    /// </summary>
    /// <exception cref="HistoryPrunedException">Events after <paramref name="afterPosition"/> were pruned by retention.</exception>
    IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a batch as one atomic fact if the head is still <paramref name="expectedPosition"/>; the events carry the
    /// sequences that follow it. A faulted task means nothing took effect and the policy answers <c>policy_unavailable</c>.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Returns when everything appended up to <paramref name="position"/> is durable; concurrent callers share one flush.</summary>
    ValueTask SyncAsync(long position, CancellationToken cancellationToken = default);

    /// <summary>Completes when the durable head passes <paramref name="position"/> (pushed, not polled), with the new head.</summary>
    ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default);

    /// <summary>Keeps a snapshot of the whole state at its position; older ones beyond the newest two may be dropped.</summary>
    ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops whole stretches of history whose every event is older than <paramref name="olderThan"/> and that the newest
    /// snapshots no longer need. The store records what it pruned durably before it deletes anything.
    /// </summary>
    ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}
