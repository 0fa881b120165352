using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// A state store that lives in memory: for tests and experiments only, since everything is gone when the process
/// ends. A host must ask for it explicitly. Completes synchronously.
/// </summary>
public sealed class InMemoryServiceStateStore : IServiceStateStore
{
    private readonly List<PolicyEvent> _events = [];
    private readonly object _lock = new();

    /// <summary>Gets a copy of every event appended so far.</summary>
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

    /// <summary>Gets the latest checkpoint saved, if any.</summary>
    public PolicyCheckpoint? Checkpoint { get; private set; }

    /// <inheritdoc />
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
        => new(new StoredState(Events, Checkpoint));

    /// <inheritdoc />
    public ValueTask SaveCheckpointAsync(PolicyCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_lock)
        {
            Checkpoint = checkpoint;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_lock)
        {
            _events.AddRange(events);
        }

        return ValueTask.CompletedTask;
    }
}
