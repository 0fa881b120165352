using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The policy's one write path: owns the log position, the single gate that serialises changes, and the order
/// "append to the store, apply to the projection, hand to the audit outbox". A change whose append fails never takes
/// effect; sinks are fed after the fact and never hold a decision.
/// </summary>
internal sealed class Journal : IDisposable
{
    private readonly IServiceStateStore _store;
    private readonly StateProjection _state;
    private readonly AuditOutbox _outbox;
    private readonly Action<PolicyEvent> _committed;
    private readonly Action<string, Exception> _report;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _sequence;

    public Journal(IServiceStateStore store, StateProjection state, AuditOutbox outbox, Action<PolicyEvent> committed, Action<string, Exception> report)
    {
        _store = store;
        _state = state;
        _outbox = outbox;
        _committed = committed;
        _report = report;
    }

    /// <summary>Gets the position of the last committed event: decisions made now are made on the state up to it.</summary>
    public long Position => Volatile.Read(ref _sequence);

    /// <summary>Enters the gate. Every read-decide-commit of a change happens inside it.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();

    /// <summary>Appends, applies and publishes a batch as one fact. Call it inside the gate. Returns the failure, or null.</summary>
    public async ValueTask<Exception?> CommitAsync(PolicyEvent[] events, CancellationToken cancellationToken)
    {
        var sequence = _sequence;
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = events[i] with { Sequence = ++sequence };
        }

        try
        {
            await _store.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any store failure is answered by failing closed, and reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("store_append", ex);
            return ex;
        }

        Volatile.Write(ref _sequence, sequence);
        if (events.Length > 0)
        {
            _state.Sends.SetEpoch(events[0].Sequence);
        }

        foreach (var e in events)
        {
            _state.Apply(e, replaying: false);
            _committed(e);
        }

        _outbox.Enqueue(events);
        return null;
    }

    /// <summary>Rebuilds the projection from the store's log and checkpoint. Once, before any decision.</summary>
    public async ValueTask LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var e in stored.Events)
        {
            _state.Apply(e, replaying: true);
            _sequence = Math.Max(_sequence, e.Sequence);
        }

        if (stored.Checkpoint is { } checkpoint)
        {
            _state.Restore(checkpoint);
        }
    }

    public void Dispose() => _gate.Dispose();
}
