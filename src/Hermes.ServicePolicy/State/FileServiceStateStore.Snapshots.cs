using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

public sealed partial class FileServiceStateStore
{
    /// <summary>
    /// Writes the snapshot (durably, before anything refers to it), keeps the newest two, and starts a new segment, so
    /// the next start-up reads the snapshot and only the events after it.
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot is past what is durable.</exception>
    public async ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Position > Volatile.Read(ref _durable))
        {
            throw new ArgumentException($"The snapshot is at event {snapshot.Position}, past the durable head {Volatile.Read(ref _durable)}.", nameof(snapshot));
        }

        FileSnapshots.Write(Directory, snapshot);
        await WithFlushSlotAsync(() =>
        {
            if (_written == _durable)
            {
                Roll();
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        // Segments after the older kept snapshot stay: if the newest one is ever damaged, the older one plus the log
        // must still rebuild the state.
        var snapshots = FileSnapshots.List(Directory);
        var keepAfter = snapshots.Count == 0 ? 0 : snapshots[Math.Min(snapshots.Count, FileSnapshots.Kept) - 1];
        var removed = new List<FileSegment>();
        await WithFlushSlotAsync(() =>
        {
            var count = 0;
            while (count < _sealed.Count && _sealed[count].Last <= keepAfter && LastTimeOf(_sealed[count]) < olderThan)
            {
                count++;
            }

            if (count == 0)
            {
                return;
            }

            removed.AddRange(_sealed.GetRange(0, count));
            var pruned = removed[^1].Last;
            var remaining = _sealed.GetRange(count, _sealed.Count - count);
            var active = _activeInfo with { Last = _durable, Length = _durableLength, LastCrc = _durableCrc, LastTime = _durableTime };

            // The durable record of the prune comes first: a crash after it leaves files the manifest no longer needs.
            new FileStoreManifest([.. remaining, active], pruned, olderThan).Write(Directory);
            _sealed.RemoveRange(0, count);
            _activeInfo = active;
            (_prunedThrough, _prunedAt) = (pruned, olderThan);
        }, cancellationToken).ConfigureAwait(false);

        long events = 0, bytes = 0;
        foreach (var segment in removed)
        {
            File.Delete(Path.Combine(Directory, segment.File));
            events += segment.Last - segment.First + 1;
            bytes += segment.Length;
        }

        return new HistoryPruneResult(Volatile.Read(ref _prunedThrough), events, bytes);
    }

    /// <summary>The time of a sealed segment's last event (a segment of the previous release does not record it: read it once).</summary>
    private DateTimeOffset LastTimeOf(FileSegment segment)
    {
        if (segment.LastTime is { } time)
        {
            return time;
        }

        var path = Path.Combine(Directory, segment.File);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var reader = new FileSegmentReader(path, segment);
        foreach (var unused in reader.Read(stream, segment.Length))
        {
        }

        return reader.LastTime ?? DateTimeOffset.MaxValue;
    }

    /// <summary>Runs a layout change (roll, prune) while no flush runs: it takes the flush slot the group commit's leader holds.</summary>
    private async ValueTask WithFlushSlotAsync(Action change, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource? running;
            TaskCompletionSource? mine = null;
            lock (_syncGate)
            {
                ThrowIfBroken();
                running = _flush;
                if (running is null)
                {
                    _flush = mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (running is not null)
            {
                await running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                lock (_writeLock)
                {
                    change();
                }
            }
            finally
            {
                lock (_syncGate)
                {
                    _flush = null;
                }

                mine!.SetResult();
            }

            return;
        }
    }
}
