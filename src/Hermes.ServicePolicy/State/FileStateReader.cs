using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// A read-only view of a file state directory (docs/state-and-backups.md "Readers"): another process may open it while
/// the writer runs, for status, listings and history. It never writes (no lock file, no manifest, no snapshot), never
/// blocks the writer (files are read with sharing), reads every complete record, and does not report the writer's
/// unfinished append as damage. Anything that would change state is refused with
/// <see cref="InvalidOperationException"/>, which a policy over it answers <c>policy_unavailable</c>.
/// </summary>
public sealed class FileStateReader : IServiceStateStore
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private FileStateReader(string directory) => Directory = directory;

    /// <summary>Gets the full path of the state directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public bool IsShared => true;

    /// <summary>Opens <paramref name="directory"/> for reading; it must hold a log.</summary>
    /// <exception cref="IOException">There is no state log in the directory.</exception>
    public static FileStateReader Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(directory, FileServiceStateStore.ManifestFileName)) && !File.Exists(Path.Combine(directory, FileServiceStateStore.LogFileName)))
        {
            throw new IOException($"'{directory}' holds no state log ({FileServiceStateStore.LogFileName}); nothing to read.");
        }

        return new FileStateReader(directory);
    }

    /// <summary>Reads the newest valid snapshot and where the log stands now.</summary>
    /// <exception cref="StateStoreCorruptedException">The manifest or an acknowledged record is damaged.</exception>
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        var manifest = Manifest();
        var snapshot = FileHistory.NewestSnapshot(Directory, manifest);
        var legacy = snapshot is null ? FileCheckpointJson.Read(Path.Combine(Directory, FileServiceStateStore.CheckpointFileName)) : null;
        return new(new StoredState(snapshot, manifest.Head) { LegacyCheckpoint = legacy, PrunedThrough = manifest.PrunedThrough });
    }

    /// <summary>Streams every complete record after <paramref name="afterPosition"/>, as the files are now.</summary>
    public async IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var manifest = Manifest();
        await Task.CompletedTask.ConfigureAwait(false);

        // The manifest may be older than the log (the writer appended since): only what it covers must verify, and the
        // bytes after the last newline are an append in progress, not damage.
        foreach (var e in FileHistory.Read(Directory, manifest, afterPosition, long.MaxValue, long.MaxValue))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
    }

    /// <summary>
    /// Completes when the log holds an event after <paramref name="position"/>. Another process cannot be signalled by
    /// the writer, so this watches the directory and checks again at most every 250 ms.
    /// </summary>
    public async ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = Watch(() => changed.TrySetResult());
        while (true)
        {
            var head = position;
            await foreach (var e in ReadAsync(position, cancellationToken).ConfigureAwait(false))
            {
                head = e.Sequence;
            }

            if (head > position)
            {
                return head;
            }

            await Task.WhenAny(changed.Task, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    // The watcher only shortens the wait: where the system has no watch to give (the inotify limits are per user and
    // shared with every other program), the 250 ms poll alone finds the append.
    private FileSystemWatcher? Watch(Action changed)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(Directory, "events*.log") { NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName };
            watcher.Changed += (_, _) => changed();
            watcher.Created += (_, _) => changed();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            watcher?.Dispose();
            return null;
        }
    }

    private FileStoreManifest Manifest() => FileStoreManifest.Read(Directory) ?? FileStoreManifest.New;

    /// <summary>Refused: a reader never writes.</summary>
    public ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
        => throw ReadOnly();

    /// <summary>Nothing to flush: a reader never writes.</summary>
    public ValueTask SyncAsync(long position, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Refused: a reader never writes.</summary>
    public ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default) => throw ReadOnly();

    /// <summary>Refused: a reader never writes.</summary>
    public ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => throw ReadOnly();

    private InvalidOperationException ReadOnly() => new($"The state directory '{Directory}' is open read-only; changes are made by its writer.");
}
