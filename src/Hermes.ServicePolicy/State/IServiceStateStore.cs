using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The durable log the policy's state is rebuilt from. Every state change and its audit record is one
/// <see cref="PolicyEvent"/>, so they are written together or not at all. The policy serialises appends; a store
/// need not be safe for concurrent appends, but must be for a load racing nothing.
/// </summary>
public interface IServiceStateStore
{
    /// <summary>Reads every event appended so far (oldest first) and the latest checkpoint, to rebuild state at start-up.</summary>
    ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a batch of events as one atomic fact. When the returned task completes successfully the batch is
    /// durable; when it faults, none of it took effect and the policy answers <c>policy_unavailable</c>.
    /// </summary>
    ValueTask AppendAsync(IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Replaces the checkpoint of batched bookkeeping (counters). Atomic: a reader sees the old one or the new one.</summary>
    ValueTask SaveCheckpointAsync(PolicyCheckpoint checkpoint, CancellationToken cancellationToken = default);
}
