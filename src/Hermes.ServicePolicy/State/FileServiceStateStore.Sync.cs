using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

public sealed partial class FileServiceStateStore
{
    /// <summary>
    /// Group commit: the first caller that finds its events not yet durable becomes the leader and flushes everything
    /// written so far with one fsync; callers that arrive meanwhile wait for that flush and, if their events came after
    /// it, the next leader's. A caller alone completes synchronously. A failed flush breaks the store: what reached the
    /// disk is unknown, so every later append and sync fails closed until it is reopened.
    /// </summary>
    public ValueTask SyncAsync(long position, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TaskCompletionSource? running;
            TaskCompletionSource lead;
            lock (_syncGate)
            {
                if (_durable >= position)
                {
                    return ValueTask.CompletedTask;
                }

                ThrowIfBroken();
                running = _flush;
                lead = _flush ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (running is not null)
            {
                return FollowAsync(running.Task, position, cancellationToken);
            }

            Flush(lead);
        }
    }

    private long _flushes;

    /// <summary>Gets how many times the log was flushed to disk (group commit makes it fewer than the appends).</summary>
    internal long FlushCount => Interlocked.Read(ref _flushes);

    private async ValueTask FollowAsync(Task flush, long position, CancellationToken cancellationToken)
    {
        await flush.WaitAsync(cancellationToken).ConfigureAwait(false);
        await SyncAsync(position, cancellationToken).ConfigureAwait(false);
    }

    private void Flush(TaskCompletionSource lead)
    {
        long written, length;
        uint crc;
        DateTimeOffset? time;
        lock (_writeLock)
        {
            (written, length, crc, time) = (_written, _activeLength, _lastCrc, _lastTime);
        }

        Exception? failure = null;
        try
        {
            Interlocked.Increment(ref _flushes);
            RandomAccess.FlushToDisk(_active);
        }
#pragma warning disable CA1031 // Whatever the failure, the flush's followers must be released and the store broken: never left waiting.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        TaskCompletionSource<long>? appended = null;
        lock (_writeLock)
        {
            lock (_syncGate)
            {
                if (failure is null)
                {
                    (_durable, _durableLength, _durableCrc, _durableTime) = (written, length, crc, time);
                    appended = _appended;
                    _appended = null;
                }
                else
                {
                    _broken ??= failure;
                }

                _flush = null;
            }

            if (failure is null)
            {
                failure = Housekeep();
            }
        }

        // What was flushed is durable even when the housekeeping after it failed: readers waiting for it go on.
        appended?.TrySetResult(written);
        if (failure is not null)
        {
            lead.SetException(failure);
            throw new IOException($"The state log in '{Directory}' could not be flushed to disk; the store fails closed until it is reopened.", failure);
        }

        lead.SetResult();
    }

    /// <summary>After a flush: seal a full segment, and keep the manifest no more than a megabyte behind. Under the write lock.</summary>
    private Exception? Housekeep()
    {
        try
        {
            if (_written == _durable && _activeLength >= SegmentBytes)
            {
                Roll();
            }
            else if (_durableLength - _activeInfo.Length >= ManifestEveryBytes)
            {
                WriteManifest();
            }

            return null;
        }
#pragma warning disable CA1031 // Any failure here leaves the layout unknown; the flush that called it must still release its followers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Nothing acknowledged is at risk (it is flushed), but the layout is unknown: fail closed.
            _broken ??= ex;
            return ex;
        }
    }

    /// <summary>
    /// Seals the active segment (everything in it is durable) and starts the next: the new file exists before the
    /// manifest names it, and nothing is appended to it before the manifest is written. Under the write lock.
    /// </summary>
    private void Roll()
    {
        if (_activeLength == 0)
        {
            return;
        }

        var sealedSegment = _activeInfo with { Last = _durable, Length = _durableLength, LastCrc = _durableCrc, LastTime = _durableTime };
        var first = _durable + 1;
        var path = Path.Combine(Directory, FileStoreManifest.SegmentName(first));
        var next = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(next, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var nextInfo = new FileSegment(FileStoreManifest.SegmentName(first), first, first - 1, 0, 0, null);
            new FileStoreManifest([.. _sealed, sealedSegment, nextInfo], _prunedThrough, _prunedAt).Write(Directory);
            _sealed.Add(sealedSegment);
            _active.Dispose();
            _active = next;
            _activeInfo = nextInfo;
            _activeLength = _durableLength = 0;
            _lastCrc = _durableCrc = 0;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }
}
