using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// A read-only view of a file state directory (docs/state-and-backups.md "Readers"): another process may open it while
/// the writer runs, for status, listings and history. It never writes (no lock file, no mark, no checkpoint), never
/// blocks the writer (the log is read with sharing), stops at the last complete record, and does not report the
/// writer's unfinished append as damage. Anything that would change state is refused with
/// <see cref="InvalidOperationException"/>, which a policy over it answers <c>policy_unavailable</c>.
/// </summary>
public sealed class FileStateReader : IServiceStateStore
{
    private FileStateReader(string directory) => Directory = directory;

    /// <summary>Gets the full path of the state directory.</summary>
    public string Directory { get; }

    /// <summary>Opens <paramref name="directory"/> for reading; it must hold a log.</summary>
    /// <exception cref="IOException">There is no state log in the directory.</exception>
    public static FileStateReader Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(directory, FileServiceStateStore.LogFileName)))
        {
            throw new IOException($"'{directory}' holds no state log ({FileServiceStateStore.LogFileName}); nothing to read.");
        }

        return new FileStateReader(directory);
    }

    /// <summary>Reads the log as it is now (every complete record) and the checkpoint.</summary>
    /// <exception cref="StateStoreCorruptedException">An acknowledged record is damaged.</exception>
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(Directory, FileServiceStateStore.LogFileName);
        byte[] bytes;
        using (var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[log.Length];
            log.ReadExactly(bytes);
        }

        // The mark may be older than the log (the writer appended since): only what it covers must verify, and the
        // bytes after the last newline are an append in progress, not damage.
        var result = FileLogReader.Read(bytes, path, FileLogMark.Read(Directory));
        return new(new StoredState(result.Events, FileCheckpointJson.Read(Path.Combine(Directory, FileServiceStateStore.CheckpointFileName))));
    }

    /// <summary>Refused: a reader never writes.</summary>
    public ValueTask AppendAsync(IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
        => throw new InvalidOperationException($"The state directory '{Directory}' is open read-only; changes are made by its writer.");

    /// <summary>Refused: a reader never writes.</summary>
    public ValueTask SaveCheckpointAsync(PolicyCheckpoint checkpoint, CancellationToken cancellationToken = default)
        => throw new InvalidOperationException($"The state directory '{Directory}' is open read-only.");
}
