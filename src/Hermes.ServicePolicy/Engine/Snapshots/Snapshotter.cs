using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine.Snapshots;

/// <summary>
/// Takes snapshots of the state (docs/state-and-backups.md "Snapshots"): in the background once enough events were
/// appended since the last one, and at a clean shutdown. "Enough" is the larger of <see cref="MinimumEvents"/> and the
/// number of chats and drafts in memory, so writing snapshots costs a bounded share of the work done, and start-up
/// replays at most that many events. The state is captured inside the journal's gate (it cannot change meanwhile), then
/// encoded and written outside it, once everything it includes is durable.
/// </summary>
internal sealed class Snapshotter
{
    private readonly Journal _journal;
    private readonly StateProjection _state;
    private readonly IRateLimiterState _limiter;
    private readonly IServiceStateStore _store;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _report;
    private int _running;
    private Task _last = Task.CompletedTask;

    public Snapshotter(Journal journal, StateProjection state, IRateLimiterState limiter, IServiceStateStore store, TimeProvider time, Action<string, Exception> report)
    {
        _journal = journal;
        _state = state;
        _limiter = limiter;
        _store = store;
        _time = time;
        _report = report;
    }

    /// <summary>Gets or sets the fewest events between two background snapshots (0 turns background snapshots off).</summary>
    public long MinimumEvents { get; set; } = 10_000;

    /// <summary>Gets the background snapshot started last (completed when none runs): tests await it.</summary>
    public Task Last => Volatile.Read(ref _last);

    /// <summary>Called after each commit: starts a background snapshot when one is due. Cheap when none is.</summary>
    public void OnCommitted()
    {
        var minimum = MinimumEvents;
        if (minimum <= 0 || _journal.Position - _journal.SnapshotPosition < Math.Max(minimum, _state.Chats.Count + _state.Drafts.Count))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            Volatile.Write(ref _last, Task.Run(async () =>
            {
                try
                {
                    await TakeAsync(CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _running, 0);
                }
            }));
        }
    }

    /// <summary>Takes a snapshot now if anything happened since the last one. Never throws: a failed snapshot only means a longer replay.</summary>
    public async ValueTask<bool> TakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            ProjectionCapture capture;
            DateTimeOffset now;
            await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var position = _journal.Position;
                if (position == _journal.SnapshotPosition || position == 0)
                {
                    return false;
                }

                now = _time.GetUtcNow();
                capture = ProjectionCapture.Take(_state, _limiter, position, now);
            }
            finally
            {
                _journal.Exit();
            }

            var snapshot = new StateSnapshot(capture.Position, now, ProjectionSnapshotWriter.Encode(capture)); // outside the gate

            if (await _journal.SyncAsync(snapshot.Position, cancellationToken).ConfigureAwait(false) is { } error)
            {
                throw error;
            }

            await _store.SaveSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
            _journal.SnapshotPosition = snapshot.Position;
            return true;
        }
#pragma warning disable CA1031 // Reported; the log still holds everything, so the next start-up replays more.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("snapshot", ex);
            return false;
        }
    }
}
