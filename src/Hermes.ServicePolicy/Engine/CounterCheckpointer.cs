using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Persists the batched bookkeeping (docs/state-and-backups.md) as a <c>counters_saved</c> record in the log: the
/// rate-limit windows of the chats that changed since the last record (so the cost follows the work done, not the
/// number of active chats), suppressed block counts and open autonomous permits, at most <see cref="Interval"/> after
/// they changed and at a clean shutdown, so the hot path never waits for a disk. While a record cannot be written,
/// <see cref="Unsaved"/> is set and autonomous sends fail closed.
/// </summary>
internal sealed class CounterCheckpointer : IAsyncDisposable
{
    /// <summary>How often changed counters are written: at least once a second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Journal _journal;
    private readonly StateProjection _state;
    private readonly IRateLimiterState _limiter;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _report;
    private readonly ITimer _timer;
    private RateLimiterState? _unwritten; // changes captured by a record that failed: written with the next one
    private volatile bool _due;
    private volatile bool _unsaved;
    private Exception? _failure;
    private int _disposed;
    private Task _timerSave = Task.CompletedTask;

    public CounterCheckpointer(Journal journal, StateProjection state, IRateLimiterState limiter, TimeProvider time, Action<string, Exception> report)
    {
        _journal = journal;
        _state = state;
        _limiter = limiter;
        _time = time;
        _report = report;
        _timer = time.CreateTimer(static s => ((CounterCheckpointer)s!).OnTimer(), this, Interval, Interval);
    }

    /// <summary>Gets whether the last attempt to write the counters failed: autonomous sends are denied until one succeeds.</summary>
    public bool Unsaved => _unsaved;

    /// <summary>Gets the failure behind <see cref="Unsaved"/>.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the write the timer started last (completed when none is running): tests await it instead of sleeping.</summary>
    public Task TimerSave => Volatile.Read(ref _timerSave);

    /// <summary>
    /// Gets or sets whether the store is shared: sends and replies are events then, and batched counters are only this
    /// process's view of them, so nothing is written (the changes are still taken, so they do not pile up).
    /// </summary>
    public bool Shared { get; set; }

    /// <summary>Marks that something batched changed. Allocation-free: one volatile write.</summary>
    public void MarkDue() => _due = true;

    private void OnTimer()
    {
        if (_due && Volatile.Read(ref _disposed) == 0)
        {
            Volatile.Write(ref _timerSave, SaveAsync(force: false, CancellationToken.None).AsTask());
        }
    }

    /// <summary>Writes a counters record if something changed (or always, with <paramref name="force"/>). Never throws.</summary>
    public async ValueTask SaveAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && !_due)
        {
            return;
        }

        try
        {
            await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (!_due && !force)
            {
                return;
            }

            _due = false; // cleared before capturing: a change racing the capture marks it due again
            var now = _time.GetUtcNow();
            if (Shared)
            {
                _limiter.CaptureChanges(now);
                _unsaved = false;
                return;
            }

            var changes = Merge(_unwritten, _limiter.CaptureChanges(now));
            var (suppressed, capped) = _state.Blocks.Capture(now);
            var permits = new List<OpenPermit>();
            foreach (var open in _state.Sends.OpenAutonomous())
            {
                permits.Add(new OpenPermit(open.Id, open.Chat, open.Text, open.Session, open.Initiator, open.IssuedAt, open.ConfirmBy) { DecidedAt = open.DecidedAt });
            }

            if (changes.Chats.Count == 0 && suppressed.Count == 0 && capped.Count == 0 && permits.Count == 0)
            {
                _unsaved = false; // nothing to make durable
                return;
            }

            var counters = new PolicyCheckpoint(now, changes, suppressed) { CappedBlocks = capped, Permits = permits };
            var record = new PolicyEvent { Type = PolicyEventType.CountersSaved, Timestamp = now, Counters = counters };
            if (await _journal.CommitAsync([record], cancellationToken).ConfigureAwait(false) is { } error)
            {
                _unwritten = changes;
                throw error;
            }

            _unwritten = null;
            Volatile.Write(ref _failure, null);
            _unsaved = false;
        }
#pragma warning disable CA1031 // A failed record (or clock) is reported and retried; it never throws into a timer thread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _due = true;
            Volatile.Write(ref _failure, ex);
            _unsaved = true;
            _report("checkpoint", ex);
        }
        finally
        {
            _journal.Exit();
        }
    }

    // Changes captured by a failed record are not lost: merged with the next capture, the newer window of a chat wins.
    private static RateLimiterState Merge(RateLimiterState? older, RateLimiterState newer)
    {
        if (older is null || older.Chats.Count == 0)
        {
            return newer;
        }

        var byChat = new Dictionary<Identity.ChatId, ChatSendWindow>();
        foreach (var window in older.Chats)
        {
            byChat[window.Chat] = window;
        }

        foreach (var window in newer.Chats)
        {
            byChat[window.Chat] = window;
        }

        return new RateLimiterState([.. byChat.Values]);
    }

    /// <summary>Stops the timer and writes the last record (a clean shutdown forgets nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await SaveAsync(force: true, CancellationToken.None).ConfigureAwait(false);
    }
}
