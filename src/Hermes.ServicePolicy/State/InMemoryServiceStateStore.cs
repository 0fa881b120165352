using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// A state store that lives in memory: for tests and experiments only, since everything is gone when the process
/// ends. A host must ask for it explicitly. Completes synchronously. Constructed with <c>shared: true</c>, several
/// policies may use one instance as several processes would use one database: appends then conflict like theirs.
/// </summary>
public sealed class InMemoryServiceStateStore : IServiceStateStore
{
    private readonly List<PolicyEvent> _events = [];
    private readonly List<StateSnapshot> _snapshots = [];
    private readonly object _lock = new();
    private TaskCompletionSource<long>? _appended; // created only when someone waits: an append without readers allocates nothing for them
    private long _prunedThrough;

    /// <summary>Initializes a store for one policy.</summary>
    public InMemoryServiceStateStore()
        : this(shared: false)
    {
    }

    /// <summary>Initializes a store; with <paramref name="shared"/>, for several policies at once.</summary>
    public InMemoryServiceStateStore(bool shared) => IsShared = shared;

    /// <inheritdoc />
    public bool IsShared { get; }

    /// <summary>Gets a copy of every event kept (pruned ones excepted).</summary>
    public IReadOnlyList<PolicyEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Gets the snapshots kept, oldest first.</summary>
    public IReadOnlyList<StateSnapshot> Snapshots
    {
        get
        {
            lock (_lock)
            {
                return [.. _snapshots];
            }
        }
    }

    /// <summary>Gets or sets the counters of a previous release, handed to the next load (tests of upgrades).</summary>
    public PolicyCheckpoint? LegacyCheckpoint { get; set; }

    private long Head => _events.Count == 0 ? _prunedThrough : _events[^1].Sequence;

    /// <inheritdoc />
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var snapshot = _snapshots.Count == 0 ? null : _snapshots[^1];
            return new(new StoredState(snapshot, Head) { LegacyCheckpoint = snapshot is null ? LegacyCheckpoint : null, PrunedThrough = _prunedThrough });
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        PolicyEvent[] events;
        lock (_lock)
        {
            if (afterPosition < _prunedThrough)
            {
                throw new HistoryPrunedException(afterPosition, _prunedThrough);
            }

            events = [.. _events];
        }

        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (e.Sequence > afterPosition)
            {
                yield return e;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        TaskCompletionSource<long>? signal;
        long head;
        lock (_lock)
        {
            if (Head != expectedPosition)
            {
                return new(AppendResult.Conflict(Head));
            }

            SequenceCheck.Contiguous(events, expectedPosition);
            _events.AddRange(events);
            head = Head;
            signal = _appended;
            _appended = null;
        }

        signal?.TrySetResult(head);
        return new(AppendResult.Appended(head));
    }

    /// <inheritdoc />
    public ValueTask SyncAsync(long position, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task<long> signal;
            lock (_lock)
            {
                if (Head > position)
                {
                    return Head;
                }

                signal = (_appended ??= NewSignal()).Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (snapshot.Position > Head)
            {
                throw new ArgumentException($"The snapshot is at {snapshot.Position}, past the head {Head}.", nameof(snapshot));
            }

            _snapshots.Add(snapshot);
            _snapshots.Sort(static (a, b) => a.Position.CompareTo(b.Position));
            if (_snapshots.Count > 2)
            {
                _snapshots.RemoveRange(0, _snapshots.Count - 2);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // Like the file store: only what the oldest kept snapshot no longer needs, and only events older than the cut.
            var keepAfter = _snapshots.Count == 0 ? 0 : _snapshots[0].Position;
            var count = 0;
            while (count < _events.Count && _events[count].Sequence <= keepAfter && _events[count].Timestamp < olderThan)
            {
                count++;
            }

            if (count > 0)
            {
                _prunedThrough = _events[count - 1].Sequence;
                _events.RemoveRange(0, count);
            }

            return new(new HistoryPruneResult(_prunedThrough, count, 0));
        }
    }

    private static TaskCompletionSource<long> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
