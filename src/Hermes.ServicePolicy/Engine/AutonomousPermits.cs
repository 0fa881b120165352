using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Autonomous send permits waiting for the host's report, kept without allocating: a ring of reusable entries (one
/// array of structs, allocated with the policy) indexed by the permit's number. Issuing claims its entry with one
/// compare-and-swap; when that entry still holds an unconfirmed permit from a full turn of the ring earlier, the permit
/// goes to an overflow dictionary instead (it allocates, and only then: more than <see cref="Size"/> sends unconfirmed). Autonomous permits are made durable with the batched counters (docs/behaviour.md#sending):
/// a crash may forget the last second of them, and a report for a forgotten one answers <c>unknown_send</c>.
/// </summary>
internal sealed class AutonomousPermits
{
    /// <summary>How many unconfirmed autonomous permits the ring holds before it overflows.</summary>
    public const int Size = 1024;
    private const int Mask = Size - 1;
    private const int Free = 0;
    private const int Busy = 1;
    private const int Open = 2;

    private readonly Entry[] _entries = new Entry[Size];
    private readonly ConcurrentDictionary<SendId, PendingSend> _overflow = new();

    /// <summary>Records an open permit. Allocation-free unless its ring entry is still taken.</summary>
    public void Add(SendId id, ChatId chat, string text, string? session, Initiator initiator, DateTimeOffset issuedAt, DateTimeOffset confirmBy, long decidedAt)
    {
        ref var entry = ref _entries[(int)(id.Number & Mask)];
        if (Interlocked.CompareExchange(ref entry.State, Busy, Free) != Free)
        {
            _overflow[id] = new PendingSend(id, chat, text, session, initiator, false, default, issuedAt, confirmBy, decidedAt);
            return;
        }

        entry.Id = id;
        entry.Chat = chat;
        entry.Text = text;
        entry.Session = session;
        entry.Initiator = initiator;
        entry.IssuedTicks = issuedAt.UtcTicks;
        entry.ConfirmByTicks = confirmBy.UtcTicks;
        entry.DecidedAt = decidedAt;
        Volatile.Write(ref entry.State, Open);
    }

    /// <summary>Copies the open permit <paramref name="id"/>, if there is one, leaving it open.</summary>
    public bool TryGet(SendId id, out PendingSend? pending)
    {
        if (_overflow.TryGetValue(id, out pending))
        {
            return true;
        }

        pending = Copy(ref _entries[(int)(id.Number & Mask)], id);
        return pending is not null;
    }

    /// <summary>Closes the open permit <paramref name="id"/>; false when there is none.</summary>
    public bool Remove(SendId id)
    {
        if (_overflow.TryRemove(id, out _))
        {
            return true;
        }

        ref var entry = ref _entries[(int)(id.Number & Mask)];
        if (Interlocked.CompareExchange(ref entry.State, Busy, Open) != Open)
        {
            return false;
        }

        if (entry.Id != id)
        {
            Volatile.Write(ref entry.State, Open);
            return false;
        }

        entry.Text = null;
        entry.Session = null;
        Volatile.Write(ref entry.State, Free);
        return true;
    }

    /// <summary>Copies every open permit (for a checkpoint, the sweep and listings).</summary>
    public void CopyTo(List<PendingSend> into)
    {
        into.AddRange(_overflow.Values);
        for (var i = 0; i < _entries.Length; i++)
        {
            if (Volatile.Read(ref _entries[i].State) == Open && Copy(ref _entries[i], default) is { } pending)
            {
                into.Add(pending);
            }
        }
    }

    // Holds the entry while copying, so a concurrent close or reuse cannot tear the copy; default id = any.
    private static PendingSend? Copy(ref Entry entry, SendId id)
    {
        SpinWait spin = default;
        while (true)
        {
            var state = Interlocked.CompareExchange(ref entry.State, Busy, Open);
            if (state == Open)
            {
                break;
            }

            if (state == Free)
            {
                return null;
            }

            spin.SpinOnce(); // being written or copied right now: a few instructions away from done
        }

        PendingSend? copy = null;
        if (id.IsEmpty || entry.Id == id)
        {
            copy = new PendingSend(entry.Id, entry.Chat, entry.Text!, entry.Session, entry.Initiator, false, default,
                new DateTimeOffset(entry.IssuedTicks, TimeSpan.Zero), new DateTimeOffset(entry.ConfirmByTicks, TimeSpan.Zero), entry.DecidedAt);
        }

        Volatile.Write(ref entry.State, Open);
        return copy;
    }

    private struct Entry
    {
        public int State;
        public SendId Id;
        public ChatId Chat;
        public string? Text;
        public string? Session;
        public Initiator Initiator;
        public long IssuedTicks;
        public long ConfirmByTicks;
        public long DecidedAt;
    }
}
