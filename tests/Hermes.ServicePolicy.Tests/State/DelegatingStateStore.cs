using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>An in-memory store to wrap: a test overrides the one operation it makes fail, hold or count.</summary>
internal abstract class DelegatingStateStore : IServiceStateStore
{
    protected InMemoryServiceStateStore Inner { get; } = new();

    public IReadOnlyList<PolicyEvent> Events => Inner.Events;

    public bool IsShared => false;

    public virtual ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default) => Inner.LoadAsync(cancellationToken);

    public virtual IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, CancellationToken cancellationToken = default) => Inner.ReadAsync(afterPosition, cancellationToken);

    public virtual ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default) => Inner.AppendAsync(expectedPosition, events, cancellationToken);

    public virtual ValueTask SyncAsync(long position, CancellationToken cancellationToken = default) => Inner.SyncAsync(position, cancellationToken);

    public virtual ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default) => Inner.WaitForAppendAsync(position, cancellationToken);

    public virtual ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default) => Inner.SaveSnapshotAsync(snapshot, cancellationToken);

    public virtual ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => Inner.PruneHistoryAsync(olderThan, cancellationToken);
}
