using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Every send permit the policy issued and has not seen closed, and how recent sends were closed
/// (docs/behaviour.md#sending). Permits from approvals, first contacts and session-binding sends are durable (their
/// event is in the log); autonomous ones live in <see cref="AutonomousPermits"/> and the batched checkpoint. Closed
/// sends are remembered <see cref="ClosedRetention"/>, so a repeated report answers consistently.
/// </summary>
internal sealed class SendLedger
{
    /// <summary>How long a closed send id is remembered.</summary>
    public static readonly TimeSpan ClosedRetention = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<SendId, PendingSend> _durable = new();
    private readonly ConcurrentDictionary<SendId, ClosedSend> _closed = new();
    private readonly ConcurrentDictionary<SendId, byte> _taken = new(); // open permits a sender has taken in this process
    private long _epoch;
    private long _lastNumber;

    public AutonomousPermits Autonomous { get; } = new();

    /// <summary>Gets whether this process may issue permits: it has committed a change, which fixed its epoch.</summary>
    public bool CanIssue => Volatile.Read(ref _epoch) != 0;

    /// <summary>Fixes this process's epoch: the log position of the first change it committed (unique per log).</summary>
    public void SetEpoch(long firstSequence) => Interlocked.CompareExchange(ref _epoch, firstSequence, 0);

    /// <summary>Takes the next send id. Allocation-free and lock-free.</summary>
    public SendId NextId() => new(Volatile.Read(ref _epoch), Interlocked.Increment(ref _lastNumber));

    public void AddDurable(PendingSend pending) => _durable[pending.Id] = pending;

    /// <summary>Finds an open permit (durable or autonomous).</summary>
    public bool TryGetOpen(SendId id, out PendingSend? pending)
        => _durable.TryGetValue(id, out pending) || Autonomous.TryGet(id, out pending);

    public bool TryGetClosed(SendId id, out ClosedSend closed) => _closed.TryGetValue(id, out closed);

    /// <summary>
    /// Marks an open permit taken for its one transport send; false when it is not open here or was taken already.
    /// In-process bookkeeping: a permit is a value in this process's memory, so a restart has none left to take.
    /// </summary>
    public bool TryTake(SendId id)
    {
        if (!TryGetOpen(id, out _) || !_taken.TryAdd(id, 0))
        {
            return false;
        }

        if (!TryGetOpen(id, out _))
        {
            _taken.TryRemove(id, out _); // closed meanwhile: nothing left to send
            return false;
        }

        return true;
    }

    /// <summary>Closes a send with its first report's outcome; returns the permit when it was open in this process.</summary>
    public PendingSend? Close(SendId id, SendOutcome outcome, DateTimeOffset at)
    {
        _closed.TryAdd(id, new ClosedSend(outcome, at));
        _taken.TryRemove(id, out _);
        if (_durable.TryRemove(id, out var pending))
        {
            return pending;
        }

        return Autonomous.TryGet(id, out pending) && Autonomous.Remove(id) ? pending : null;
    }

    /// <summary>Every open permit, oldest first.</summary>
    public List<PendingSend> Open()
    {
        var open = new List<PendingSend>(_durable.Values);
        Autonomous.CopyTo(open);
        open.Sort(static (a, b) => a.IssuedAt != b.IssuedAt ? a.IssuedAt.CompareTo(b.IssuedAt) : a.Id.Number.CompareTo(b.Id.Number));
        return open;
    }

    /// <summary>Every autonomous open permit, for the checkpoint.</summary>
    public List<PendingSend> OpenAutonomous()
    {
        var open = new List<PendingSend>();
        Autonomous.CopyTo(open);
        return open;
    }

    /// <summary>Open permits that are events in the log (approvals, first contacts, session-binding sends), for a snapshot.</summary>
    public ICollection<PendingSend> OpenDurable => _durable.Values;

    /// <summary>Closed send ids still remembered, for a snapshot.</summary>
    public IEnumerable<KeyValuePair<SendId, ClosedSend>> Closed => _closed;

    /// <summary>Restores a closed send id from a snapshot.</summary>
    public void AddClosed(SendId id, ClosedSend closed) => _closed[id] = closed;

    /// <summary>Forgets closed sends older than <see cref="ClosedRetention"/>.</summary>
    public void PruneClosed(DateTimeOffset now)
    {
        foreach (var (id, closed) in _closed)
        {
            if (now - closed.ClosedAt > ClosedRetention)
            {
                _closed.TryRemove(id, out _);
            }
        }
    }
}
