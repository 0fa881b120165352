using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The embedded durable store for a real host: an append-only event log in segments, snapshots of the whole state, and
/// a manifest, in one owner-only directory locked against a second writer (docs/state-and-backups.md).
/// </summary>
/// <remarks>
/// <para>
/// Each segment (<c>events.log</c>, then <c>events-{first event}.log</c>) holds one line per committed batch: an 8-digit
/// CRC-32 of the JSON, a space, and a JSON array of <see cref="PolicyEventJson"/> events. Appends are written at once
/// and made durable by <see cref="SyncAsync"/>, which concurrent callers share (one fsync for all of them, group
/// commit). <c>log.mark</c> (the manifest) lists the segments and how much of the active one was acknowledged; at open,
/// a sealed segment must have exactly its length and the active one must verify record by record up to the mark: a log
/// that was cut, emptied, zero-filled, replaced or deleted stops the store with <see cref="StateStoreCorruptedException"/>,
/// and nothing is rewritten. Past the mark, only the torn tail of an append that never completed is dropped.
/// </para>
/// <para>
/// A new segment starts with each snapshot (and past <see cref="SegmentBytes"/>), so start-up reads the newest valid
/// snapshot and the few events after it. Sealed segments before it are checked by length at open and record by record
/// whenever history reads them; retention prunes whole segments that the kept snapshots no longer need.
/// <c>store.lock</c> is held while the store is open, so a second writer fails at once with an error naming the
/// directory; <see cref="FileStateReader"/> reads alongside.
/// </para>
/// </remarks>
public sealed partial class FileServiceStateStore : IServiceStateStore, IDisposable
{
    /// <summary>The name of the first segment of the event log (the whole log of the previous release).</summary>
    public const string LogFileName = FileStoreManifest.FirstSegment;

    /// <summary>The name of the previous release's counters checkpoint, read once when no snapshot exists yet.</summary>
    public const string CheckpointFileName = "checkpoint.json";

    /// <summary>The name of the lock file in the state directory.</summary>
    public const string LockFileName = "store.lock";

    /// <summary>The name of the manifest (how much history was acknowledged) in the state directory.</summary>
    public const string ManifestFileName = FileStoreManifest.FileName;

    /// <summary>The folder of snapshots in the state directory.</summary>
    public const string SnapshotDirectoryName = FileSnapshots.DirectoryName;

    private const long ManifestEveryBytes = 1 << 20;

    private readonly FileStream _lock;
    private readonly object _writeLock = new();
    private readonly object _syncGate = new();
    private readonly List<FileSegment> _sealed;
    private SafeFileHandle _active;
    private FileSegment _activeInfo; // the active segment as last written to the manifest
    private long _activeLength;      // bytes written to the active segment
    private long _written;           // the last event written
    private uint _lastCrc;
    private DateTimeOffset? _lastTime;
    private long _durable;           // the last event flushed to disk
    private long _durableLength;     // the active segment's length that is flushed
    private uint _durableCrc;
    private DateTimeOffset? _durableTime;
    private long _prunedThrough;
    private DateTimeOffset? _prunedAt;
    private TaskCompletionSource? _flush;
    private TaskCompletionSource<long>? _appended; // created only when someone waits
    private Exception? _broken;

    private FileServiceStateStore(string directory, FileStream lockFile, FileStoreManifest manifest, SafeFileHandle active, FileSegmentReader scan)
    {
        Directory = directory;
        _lock = lockFile;
        _sealed = [.. manifest.Segments];
        _sealed.RemoveAt(_sealed.Count - 1);
        _active = active;
        _activeInfo = manifest.Active;
        _activeLength = _durableLength = scan.ValidLength;
        _written = _durable = scan.LastSequence;
        _lastCrc = _durableCrc = scan.LastCrc;
        _lastTime = _durableTime = scan.LastTime ?? manifest.Active.LastTime;
        _prunedThrough = manifest.PrunedThrough;
        _prunedAt = manifest.PrunedAt;
    }

    /// <summary>Gets the state directory.</summary>
    public string Directory { get; }

    /// <summary>Gets how many bytes of a torn last record were dropped when the store opened (0 when the log was whole).</summary>
    public long DroppedTornBytes { get; private set; }

    /// <summary>Gets or sets the size past which the active segment is sealed and a new one started (default 64 MiB).</summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>Gets the number of log segments on disk.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_writeLock)
            {
                return _sealed.Count + 1;
            }
        }
    }

    /// <inheritdoc />
    public bool IsShared => false;

    /// <summary>
    /// Gets the default state directory: <c>Hermes.ServicePolicy</c> under the user's local application-data folder
    /// (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public static string DefaultDirectory
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "Hermes.ServicePolicy");

    /// <summary>Resolves the <c>state_directory</c> option: empty means <see cref="DefaultDirectory"/>.</summary>
    public static string ResolveDirectory(string? stateDirectory)
        => string.IsNullOrWhiteSpace(stateDirectory) ? DefaultDirectory : Path.GetFullPath(stateDirectory);

    /// <inheritdoc />
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        var manifest = CurrentManifest(durable: true);
        var snapshot = FileHistory.NewestSnapshot(Directory, manifest);
        var legacy = snapshot is null ? FileCheckpointJson.Read(Path.Combine(Directory, CheckpointFileName)) : null;
        return new(new StoredState(snapshot, manifest.Head) { LegacyCheckpoint = legacy, PrunedThrough = manifest.PrunedThrough });
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FileStoreManifest manifest;
        long durableLength;
        lock (_writeLock)
        {
            manifest = CurrentManifest(durable: true);
            durableLength = Volatile.Read(ref _durableLength);
        }

        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var e in FileHistory.Read(Directory, manifest, afterPosition, manifest.Head, durableLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var record = FileRecords.Encode(events, out var crc);
        lock (_writeLock)
        {
            ThrowIfBroken();
            if (expectedPosition != _written)
            {
                return new(AppendResult.Conflict(_written));
            }

            SequenceCheck.Contiguous(events, expectedPosition);
            if (events.Count == 0)
            {
                return new(AppendResult.Appended(_written));
            }

            try
            {
                RandomAccess.Write(_active, record, _activeLength);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Leave no partial record in the middle of the log: the next append would bury it.
                try
                {
                    RandomAccess.SetLength(_active, _activeLength);
                }
                catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
                {
                    _broken = inner;
                }

                throw;
            }

            _activeLength += record.Length;
            _written = events[^1].Sequence;
            _lastCrc = crc;
            _lastTime = events[^1].Timestamp;
            return new(AppendResult.Appended(_written));
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task<long> signal;
            lock (_syncGate)
            {
                if (_durable > position)
                {
                    return _durable;
                }

                signal = (_appended ??= NewSignal()).Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records how much history there is (a clean shutdown) and releases the log and the lock.</summary>
    public void Dispose()
    {
        try
        {
            lock (_writeLock)
            {
                if (_broken is null)
                {
                    WriteManifest();
                }
            }
        }
        catch (IOException)
        {
            // The last manifest stays: it never claims more than was acknowledged, so the next open is still checked.
        }
        catch (UnauthorizedAccessException)
        {
        }

        _active.Dispose();
        _lock.Dispose();
    }

    private void ThrowIfBroken()
    {
        if (_broken is { } broken)
        {
            throw new IOException($"The state log in '{Directory}' could not be written or flushed; reopen the store.", broken);
        }
    }

    /// <summary>The manifest as of now: sealed segments, and the active one up to what is durable (or written).</summary>
    private FileStoreManifest CurrentManifest(bool durable)
    {
        lock (_writeLock)
        {
            var active = durable
                ? _activeInfo with { Last = _durable, Length = _durableLength, LastCrc = _durableCrc, LastTime = _durableTime }
                : _activeInfo with { Last = _written, Length = _activeLength, LastCrc = _lastCrc, LastTime = _lastTime };
            if (active.Length == 0)
            {
                active = active with { Last = active.First - 1, LastCrc = 0 };
            }

            return new FileStoreManifest([.. _sealed, active], _prunedThrough, _prunedAt);
        }
    }

    /// <summary>Writes the manifest with what is durable now. Call under the write lock.</summary>
    private void WriteManifest()
    {
        var manifest = CurrentManifest(durable: true);
        manifest.Write(Directory);
        _activeInfo = manifest.Active;
    }

    private static TaskCompletionSource<long> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
