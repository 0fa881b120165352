using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The embedded durable store for a real host: an append-only event log plus a counters checkpoint in one
/// directory, owner-only, locked against a second writer.
/// </summary>
/// <remarks>
/// <para>
/// <c>events.log</c> holds one line per committed batch: an 8-digit CRC-32 of the JSON, a space, and a JSON array of
/// <see cref="PolicyEventJson"/> events. Each batch is written and flushed to disk (fsync) before
/// <see cref="AppendAsync"/> returns, so an acknowledged change survives a crash. <c>log.mark</c> records how much of
/// the log was acknowledged (its length, last event and last record's checksum); it is replaced atomically when the
/// store opens, with every counters checkpoint and at a clean shutdown. At open, everything up to the mark must be
/// exactly there: a log that was cut, emptied, zero-filled, replaced or deleted, or a damaged record anywhere, stops the
/// store with <see cref="StateStoreCorruptedException"/> naming the file, the offset and the damage, and nothing is
/// rewritten. Past the mark (after a crash) only the torn tail of an append that never completed is dropped: a last
/// record with no newline, or one holding NUL bytes. A directory written before marks existed opens under that rule.
/// </para>
/// <para>
/// <c>checkpoint.json</c> holds the batched counters (<see cref="PolicyCheckpoint"/>), replaced atomically by
/// writing a temporary file and renaming it over the old one. <c>store.lock</c> is held exclusively while the store is
/// open, so a second process (or a second store in this one) fails with a clear error instead of interleaving writes.
/// Back up the directory by copying it while no host has it open (a copy of <c>events.log</c> alone, taken mid-append,
/// ends in at most one torn record, which the store drops when it is restored without its mark).
/// </para>
/// </remarks>
public sealed class FileServiceStateStore : IServiceStateStore, IDisposable
{
    /// <summary>The name of the event log in the state directory.</summary>
    public const string LogFileName = "events.log";

    /// <summary>The name of the counters checkpoint in the state directory.</summary>
    public const string CheckpointFileName = "checkpoint.json";

    /// <summary>The name of the lock file in the state directory.</summary>
    public const string LockFileName = "store.lock";

    private readonly FileStream _lock;
    private readonly FileStream _log;
    private readonly object _writeLock = new();
    private List<PolicyEvent>? _loaded;
    private long _lastSequence;
    private uint _lastRecordCrc;
    private FileLogMark? _mark;
    private bool _broken;

    private FileServiceStateStore(string directory, FileStream lockFile, FileStream log)
    {
        Directory = directory;
        _lock = lockFile;
        _log = log;
    }

    /// <summary>Gets the state directory.</summary>
    public string Directory { get; }

    /// <summary>Gets how many bytes of a torn last record were dropped when the store opened (0 when the log was whole).</summary>
    public long DroppedTornBytes { get; private set; }

    /// <summary>
    /// Gets the default state directory: <c>Hermes.ServicePolicy</c> under the user's local application-data folder
    /// (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public static string DefaultDirectory
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "Hermes.ServicePolicy");

    /// <summary>Resolves the <c>state_directory</c> option: empty means <see cref="DefaultDirectory"/>.</summary>
    public static string ResolveDirectory(string? stateDirectory)
        => string.IsNullOrWhiteSpace(stateDirectory) ? DefaultDirectory : Path.GetFullPath(stateDirectory);

    /// <summary>
    /// Opens (creating if needed, owner-only) the store in <paramref name="directory"/>, takes its lock and validates
    /// the log. A torn last record is dropped; any other damage throws.
    /// </summary>
    /// <exception cref="IOException">Another process (or another store in this process) has the directory open, or the
    /// directory or its log cannot be used (a file where the directory should be, a directory where the log should be,
    /// no permission).</exception>
    /// <exception cref="StateStoreCorruptedException">The log or the checkpoint is damaged.</exception>
    public static FileServiceStateStore Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        CreateOwnerOnlyDirectory(directory);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The state directory '{directory}' is already open for writing by another process or store; only one may write to it at a time.", ex);
        }

        FileStream? log = null;
        try
        {
            var logPath = Path.Combine(directory, LogFileName);
            if (System.IO.Directory.Exists(logPath))
            {
                throw new IOException($"The state log '{logPath}' is a directory, not a file; the state directory '{directory}' cannot be used.");
            }

            var mark = FileLogMark.Read(directory);
            var created = !File.Exists(logPath);
            if (created && (mark is { Length: > 0 } || File.Exists(Path.Combine(directory, CheckpointFileName))))
            {
                // Never start empty over history that was acknowledged: a deleted log is damage, not a new directory.
                throw new StateStoreCorruptedException(logPath, 0, mark is { Length: > 0 }
                    ? $"the log is missing, but {FileLogMark.FileName} shows {mark.Length} bytes of acknowledged history"
                    : $"the log is missing, but {CheckpointFileName} shows the directory was in use");
            }

            try
            {
                log = new FileStream(logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new IOException($"The state log '{logPath}' cannot be opened for reading and writing ({ex.Message}); check its owner and permissions.", ex);
            }

            if (created && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(logPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var store = new FileServiceStateStore(directory, lockFile, log) { _mark = mark };
            store.ReadLog();
            store.WriteMark();
            return store;
        }
        catch
        {
            log?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        var events = Interlocked.Exchange(ref _loaded, null) ?? ReadEventsAgain();
        return new(new StoredState(events, ReadCheckpoint()));
    }

    private List<PolicyEvent> ReadEventsAgain()
    {
        lock (_writeLock)
        {
            ReadLog();
            return Interlocked.Exchange(ref _loaded, null)!;
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var record = Encode(events, out var crc);
        lock (_writeLock)
        {
            if (_broken)
            {
                throw new IOException($"The state log '{_log.Name}' could not be restored after a failed write; reopen the store.");
            }

            if (events[0].Sequence != _lastSequence + 1)
            {
                throw new InvalidOperationException($"Events must be appended in sequence: expected {_lastSequence + 1}, got {events[0].Sequence}.");
            }

            var end = _log.Length;
            try
            {
                _log.Position = end;
                _log.Write(record);
                _log.Flush(flushToDisk: true);
            }
            catch
            {
                // Leave no partial record in the middle of the log: the next append would bury it.
                try
                {
                    _log.SetLength(end);
                    _log.Flush(flushToDisk: true);
                }
#pragma warning disable CA1031 // The store is marked broken instead; every later append then fails closed.
                catch
#pragma warning restore CA1031
                {
                    _broken = true;
                }

                throw;
            }

            _lastSequence = events[^1].Sequence;
            _lastRecordCrc = crc;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveCheckpointAsync(PolicyCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        AtomicJsonFile.Write(Path.Combine(Directory, CheckpointFileName), writer => FileCheckpointJson.Write(writer, checkpoint));
        WriteMark();
        return ValueTask.CompletedTask;
    }

    /// <summary>Records how much of the log is acknowledged now (see <see cref="FileLogMark"/>). Skipped when nothing was appended since.</summary>
    private void WriteMark()
    {
        FileLogMark mark;
        lock (_writeLock)
        {
            if (_broken)
            {
                return;
            }

            mark = new FileLogMark(_log.Length, _lastSequence, _lastRecordCrc);
        }

        if (mark != _mark)
        {
            mark.Write(Directory);
            _mark = mark;
        }
    }

    /// <summary>Records how much history there is (a clean shutdown) and releases the log and the lock.</summary>
    public void Dispose()
    {
        try
        {
            WriteMark();
        }
        catch (IOException)
        {
            // The last mark stays: it never claims more than was acknowledged, so the next open is still checked.
        }
        catch (UnauthorizedAccessException)
        {
        }

        _log.Dispose();
        _lock.Dispose();
    }

    internal static byte[] Encode(IReadOnlyList<PolicyEvent> events) => Encode(events, out _);

    private static byte[] Encode(IReadOnlyList<PolicyEvent> events, out uint crc)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, PolicyEventJson.WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                PolicyEventJson.Write(writer, e);
            }

            writer.WriteEndArray();
        }

        var body = json.GetBuffer().AsSpan(0, (int)json.Length);
        var record = new byte[9 + body.Length + 1];
        crc = Crc32.Compute(body);
        Encoding.ASCII.GetBytes(crc.ToString("x8", CultureInfo.InvariantCulture), record);
        record[8] = (byte)' ';
        body.CopyTo(record.AsSpan(9));
        record[^1] = (byte)'\n';
        return record;
    }

    /// <summary>Reads and validates the whole log against the mark, drops a torn unacknowledged tail, and positions for appending.</summary>
    private void ReadLog()
    {
        var path = _log.Name;
        var length = _log.Length;
        if (length > int.MaxValue)
        {
            throw new StateStoreCorruptedException(path, int.MaxValue, "the log is larger than 2 GiB; compact it");
        }

        var bytes = new byte[length];
        _log.Position = 0;
        _log.ReadExactly(bytes);
        var result = FileLogReader.Read(bytes, path, _mark);
        if (result.ValidLength < length)
        {
            // Only ever the tail after the last acknowledged record (FileLogReader refuses anything else).
            _log.SetLength(result.ValidLength);
            _log.Flush(flushToDisk: true);
            DroppedTornBytes += length - result.ValidLength;
        }

        _lastSequence = result.LastSequence;
        _lastRecordCrc = result.LastRecordCrc;
        _loaded = result.Events;
    }

    private PolicyCheckpoint? ReadCheckpoint() => FileCheckpointJson.Read(Path.Combine(Directory, CheckpointFileName));
}
