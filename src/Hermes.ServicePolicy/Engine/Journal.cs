using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The policy's one write path: owns the log position, the single gate that serialises changes, and the order
/// "append to the store, apply to the projection, make it durable, hand it to the audit outbox". A change whose
/// append fails never takes effect; sinks are fed after the fact and never hold a decision.
/// </summary>
/// <remarks>
/// Group commit: a change is appended and applied inside the gate, then the gate is let go while the store makes it
/// durable, so concurrent changes share one flush; the caller gets the gate back (and its answer) only once its change
/// is durable. Because a change is applied before it is durable, readers that answer without the gate check that the
/// chat they read was not changed after <see cref="Durable"/>, and otherwise wait for it (no answer rests on a change
/// a crash could still take back).
/// </remarks>
internal sealed class Journal : IDisposable
{
    private readonly IServiceStateStore _store;
    private readonly StateProjection _state;
    private readonly AuditOutbox _outbox;
    private readonly Action<PolicyEvent> _committed;
    private readonly Action<string, Exception> _report;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _sequence;
    private long _durable;
    private long _snapshotPosition;

    public Journal(IServiceStateStore store, StateProjection state, AuditOutbox outbox, Action<PolicyEvent> committed, Action<string, Exception> report)
    {
        _store = store;
        _state = state;
        _outbox = outbox;
        _committed = committed;
        _report = report;
    }

    /// <summary>Gets the position of the last applied event: decisions made now are made on the state up to it.</summary>
    public long Position => Volatile.Read(ref _sequence);

    /// <summary>Gets the position up to which applied events are durable.</summary>
    public long Durable => Volatile.Read(ref _durable);

    /// <summary>Gets or sets the position of the newest snapshot (the snapshotter reads and sets it).</summary>
    public long SnapshotPosition
    {
        get => Volatile.Read(ref _snapshotPosition);
        set => Volatile.Write(ref _snapshotPosition, value);
    }

    /// <summary>Gets or sets what runs after each commit, outside any lock that matters (the snapshotter's trigger).</summary>
    public Action? Committed { get; set; }

    /// <summary>Enters the gate. Every read-decide-commit of a change happens inside it.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();

    /// <summary>The name of a commit's span (<c>ServiceConversationTracing.CommitSpan</c>).</summary>
    public const string CommitSpan = "hermes.service_policy.commit";

    /// <summary>Gets the policy's activity source: a commit is a span (the store's latency) while someone listens.</summary>
    public System.Diagnostics.ActivitySource? Tracing { get; init; }

    /// <summary>
    /// Appends, applies and makes durable a batch as one fact. Call it inside the gate; it lets the gate go while the
    /// store flushes and takes it back before returning. Returns the failure, or null.
    /// </summary>
    public ValueTask<Exception?> CommitAsync(PolicyEvent[] events, CancellationToken cancellationToken)
        => Tracing is { } source && source.HasListeners() ? TracedCommitAsync(source, events, cancellationToken) : CommitCoreAsync(events, cancellationToken);

    private async ValueTask<Exception?> TracedCommitAsync(System.Diagnostics.ActivitySource source, PolicyEvent[] events, CancellationToken cancellationToken)
    {
        using var span = source.StartActivity(CommitSpan);
        span?.SetTag("hermes.events", events.Length);
        var failure = await CommitCoreAsync(events, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failure.GetType().Name);
        }

        return failure;
    }

    private async ValueTask<Exception?> CommitCoreAsync(PolicyEvent[] events, CancellationToken cancellationToken)
    {
        var expected = _sequence;
        var sequence = expected;
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = events[i] with { Sequence = ++sequence };
        }

        AppendResult appended;
        try
        {
            appended = await _store.AppendAsync(expected, events, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any store failure is answered by failing closed, and reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("store_append", ex);
            return ex;
        }

        if (!appended.IsAppended)
        {
            // Another writer got there first: learn what it wrote; the caller decides again on the new state.
            var conflict = new StateConflictException(expected, appended.Head);
            return await CatchUpAsync(cancellationToken).ConfigureAwait(false) ?? conflict;
        }

        Publish(events, sequence);
        if (sequence <= Durable)
        {
            return null;
        }

        // Let the gate go while the store flushes: the next change can be decided and appended meanwhile, and share the
        // flush. Uncontended, all of this completes synchronously (the flush on this thread, the gate free again).
        _gate.Release();
        Exception? failure;
        try
        {
            failure = await SyncAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return failure;
    }

    private void Publish(PolicyEvent[] events, long sequence)
    {
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
        Committed?.Invoke();
    }

    /// <summary>Waits until everything up to <paramref name="position"/> is durable. Returns the failure, or null.</summary>
    public ValueTask<Exception?> SyncAsync(long position, CancellationToken cancellationToken)
        => position <= Durable ? new((Exception?)null) : SyncSlowAsync(position, cancellationToken);

    private async ValueTask<Exception?> SyncSlowAsync(long position, CancellationToken cancellationToken)
    {
        try
        {
            await _store.SyncAsync(position, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed flush is answered by failing closed, and reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("store_sync", ex);
            return ex;
        }

        MarkDurable(position);
        return null;
    }

    private void MarkDurable(long position)
    {
        long seen;
        while ((seen = Volatile.Read(ref _durable)) < position && Interlocked.CompareExchange(ref _durable, position, seen) != seen)
        {
        }
    }

    /// <summary>Applies what other writers appended since <see cref="Position"/> (a shared store). Call it inside the gate.</summary>
    public async ValueTask<Exception?> CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in _store.ReadAsync(_sequence, cancellationToken).ConfigureAwait(false))
            {
                // Another process decided it: its bookkeeping (counted sends, replies) is applied as a replay would.
                Volatile.Write(ref _sequence, e.Sequence);
                _state.Apply(e, replaying: true);
                _committed(e);
                Volatile.Write(ref _durable, e.Sequence); // read back from the store: durable
                Committed?.Invoke();
            }

            return null;
        }
#pragma warning disable CA1031 // A store that cannot be read is answered by failing closed, and reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("store_read", ex);
            return ex;
        }
    }

    /// <summary>Rebuilds the projection: the newest snapshot, then the events after it. Once, before any decision.</summary>
    public async ValueTask LoadAsync(Func<StateSnapshot, long> restore, CancellationToken cancellationToken)
    {
        var stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var position = stored.Snapshot is { } snapshot ? restore(snapshot) : 0;
        await foreach (var e in _store.ReadAsync(position, cancellationToken).ConfigureAwait(false))
        {
            _state.Apply(e, replaying: true);
            position = e.Sequence;
        }

        if (stored.LegacyCheckpoint is { } checkpoint)
        {
            _state.Restore(checkpoint);
        }

        _sequence = _durable = position;
        SnapshotPosition = stored.Snapshot?.Position ?? 0;
    }

    public void Dispose() => _gate.Dispose();
}
