using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Feeds the audit sinks from the log, after the fact: each sink gets every audit event once it is durable, in log
/// order, from a background pump. A sink that fails is retried from where it stopped (after
/// <see cref="RetryDelay"/>, or at the next change or flush) and never holds a decision; the log, not the sink, is the
/// audit record. Delivery is at least once (a write that threw is written again): sinks can de-duplicate by <c>seq</c>.
/// </summary>
internal sealed class AuditOutbox : IAsyncDisposable
{
    /// <summary>How long a failed sink rests before it is tried again, unless a change or a flush comes first.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly IAuditSink[] _sinks;
    private readonly Queue<PolicyEvent>[] _queues;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _report;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _drain = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _pump;
    private ITimer? _retry;
    private volatile bool _faulted;

    public AuditOutbox(IReadOnlyList<IAuditSink> sinks, TimeProvider time, Action<string, Exception> report)
    {
        _sinks = [.. sinks];
        _queues = new Queue<PolicyEvent>[_sinks.Length];
        for (var i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new Queue<PolicyEvent>();
        }

        _time = time;
        _report = report;
        _pump = _sinks.Length == 0 ? Task.CompletedTask : Task.Run(PumpAsync);
    }

    /// <summary>Gets whether a sink failed at its last attempt and has not caught up since.</summary>
    public bool IsFaulted => _faulted;

    /// <summary>Gets how many audit events wait for some sink.</summary>
    public int Backlog
    {
        get
        {
            var backlog = 0;
            foreach (var queue in _queues)
            {
                lock (queue)
                {
                    backlog = Math.Max(backlog, queue.Count);
                }
            }

            return backlog;
        }
    }

    /// <summary>Queues a committed batch's audit events for every sink. Called in log order (inside the journal's gate).</summary>
    public void Enqueue(PolicyEvent[] events)
    {
        if (_sinks.Length == 0)
        {
            return;
        }

        var any = false;
        foreach (var queue in _queues)
        {
            lock (queue)
            {
                foreach (var e in events)
                {
                    if (e.IsAudited)
                    {
                        queue.Enqueue(e);
                        any = true;
                    }
                }
            }
        }

        if (any)
        {
            _signal.Release();
        }
    }

    /// <summary>Feeds every sink what it has not had yet, now. True when every sink has caught up.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _drain.Release();
        }
    }

    private async Task PumpAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stopping).ConfigureAwait(false);
                if (!await FlushAsync(stopping).ConfigureAwait(false))
                {
                    ScheduleRetry();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var healthy = true;
        for (var s = 0; s < _sinks.Length; s++)
        {
            var queue = _queues[s];
            while (true)
            {
                PolicyEvent next;
                lock (queue)
                {
                    if (!queue.TryPeek(out next!))
                    {
                        break;
                    }
                }

                try
                {
                    await _sinks[s].WriteAsync(next, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failing sink is reported and retried; it never reaches a decision.
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    _report("audit_sink", ex);
                    healthy = false;
                    break;
                }

                lock (queue)
                {
                    queue.Dequeue();
                }
            }
        }

        _faulted = !healthy;
        return healthy;
    }

    private void ScheduleRetry()
    {
        var retry = _time.CreateTimer(static state => ((AuditOutbox)state!).Wake(), this, RetryDelay, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _retry, retry)?.Dispose();
    }

    private void Wake()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _signal.Release();
        }
    }

    /// <summary>Stops the pump after one last attempt to feed every sink.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _retry?.Dispose();
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _signal.Dispose();
        _drain.Dispose();
    }
}
