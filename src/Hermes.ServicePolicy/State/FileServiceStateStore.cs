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
/// <see cref="AppendAsync"/> returns, so an acknowledged change survives a crash. A record torn by a crash
/// mid-write can only be the last one: it is detected (no newline, or a bad checksum at the very end) and dropped
/// at open, and it was never acknowledged. Any other damage (a bad checksum before the end, an unknown event type,
/// a sequence gap) stops the store from opening with <see cref="StateStoreCorruptedException"/> naming the file and
/// the offset, never a silently empty state.
/// </para>
/// <para>
/// <c>checkpoint.json</c> holds the batched counters (<see cref="PolicyCheckpoint"/>), replaced atomically by
/// writing a temporary file and renaming it over the old one. <c>store.lock</c> is held exclusively while the store is
/// open, so a second process (or a second store in this one) fails with a clear error instead of interleaving writes.
/// Back up the directory by copying it while no host has it open, or copy <c>events.log</c> at any time: a copy
/// taken mid-append ends in at most one torn record, which the store drops.
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
    /// <exception cref="IOException">Another process (or another store in this process) has the directory open.</exception>
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
            var created = !File.Exists(logPath);
            log = new FileStream(logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            if (created && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(logPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var store = new FileServiceStateStore(directory, lockFile, log);
            store.ReadLog();
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

        var record = Encode(events);
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
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveCheckpointAsync(PolicyCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var path = Path.Combine(Directory, CheckpointFileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using (var writer = new Utf8JsonWriter(stream))
            {
                WriteCheckpoint(writer, checkpoint);
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases the log and the lock.</summary>
    public void Dispose()
    {
        _log.Dispose();
        _lock.Dispose();
    }

    internal static byte[] Encode(IReadOnlyList<PolicyEvent> events)
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
        Encoding.ASCII.GetBytes(Crc32.Compute(body).ToString("x8", CultureInfo.InvariantCulture), record);
        record[8] = (byte)' ';
        body.CopyTo(record.AsSpan(9));
        record[^1] = (byte)'\n';
        return record;
    }

    /// <summary>Reads and validates the whole log, drops a torn last record, and positions for appending.</summary>
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
        var events = new List<PolicyEvent>();
        long sequence = 0;
        var offset = 0;
        while (offset < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', offset);
            var isLast = newline < 0 || newline == bytes.Length - 1;
            if (newline < 0)
            {
                Truncate(offset, bytes.Length - offset);
                break;
            }

            var line = bytes.AsSpan(offset, newline - offset);
            if (line.Length < 10 || line[8] != (byte)' '
                || !uint.TryParse(Encoding.ASCII.GetString(line[..8]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc)
                || crc != Crc32.Compute(line[9..]))
            {
                if (isLast)
                {
                    Truncate(offset, bytes.Length - offset);
                    break;
                }

                throw new StateStoreCorruptedException(path, offset, "a record's checksum does not match and more records follow it");
            }

            try
            {
                using var document = JsonDocument.Parse(bytes.AsMemory(offset + 9, line.Length - 9));
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    var e = PolicyEventJson.Read(element);
                    if (e.Sequence != sequence + 1)
                    {
                        throw new StateStoreCorruptedException(path, offset, $"expected event {sequence + 1}, found {e.Sequence}");
                    }

                    sequence = e.Sequence;
                    events.Add(e);
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                throw new StateStoreCorruptedException(path, offset, $"the record cannot be read ({ex.Message})", ex);
            }

            offset = newline + 1;
        }

        _lastSequence = sequence;
        _loaded = events;
    }

    private void Truncate(long offset, long torn)
    {
        _log.SetLength(offset);
        _log.Flush(flushToDisk: true);
        DroppedTornBytes += torn;
    }

    private PolicyCheckpoint? ReadCheckpoint()
    {
        var path = Path.Combine(Directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var chats = new List<ChatSendWindow>();
            foreach (var chat in root.GetProperty("chats").EnumerateArray())
            {
                var sends = new List<DateTimeOffset>();
                foreach (var ticks in chat.GetProperty("sends").EnumerateArray())
                {
                    sends.Add(new DateTimeOffset(ticks.GetInt64(), TimeSpan.Zero));
                }

                chats.Add(new ChatSendWindow(ChatId.Parse(chat.GetProperty("chat").GetString()!), sends, chat.GetProperty("consecutive").GetInt32()));
            }

            var blocks = new List<BlockCount>();
            foreach (var block in root.GetProperty("blocks").EnumerateArray())
            {
                if (!ReasonCodes.TryParse(block.GetProperty("reason").GetString(), out var reason))
                {
                    throw new FormatException("unknown reason");
                }

                blocks.Add(new BlockCount(
                    ChatId.Parse(block.GetProperty("chat").GetString()!),
                    reason,
                    block.GetProperty("suppressed").GetInt32(),
                    new DateTimeOffset(block.GetProperty("last").GetInt64(), TimeSpan.Zero)));
            }

            var capped = new List<CappedBlockCount>();
            if (root.TryGetProperty("capped", out var cappedBlocks))
            {
                foreach (var block in cappedBlocks.EnumerateArray())
                {
                    if (!ReasonCodes.TryParse(block.GetProperty("reason").GetString(), out var reason))
                    {
                        throw new FormatException("unknown reason");
                    }

                    capped.Add(new CappedBlockCount(new DateTimeOffset(block.GetProperty("hour").GetInt64(), TimeSpan.Zero), reason, block.GetProperty("count").GetInt32()));
                }
            }

            return new PolicyCheckpoint(new DateTimeOffset(root.GetProperty("taken_at").GetInt64(), TimeSpan.Zero), new RateLimiterState(chats), blocks) { CappedBlocks = capped };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            throw new StateStoreCorruptedException(path, 0, $"the checkpoint cannot be read ({ex.Message})", ex);
        }
    }

    private static void WriteCheckpoint(Utf8JsonWriter writer, PolicyCheckpoint checkpoint)
    {
        writer.WriteStartObject();
        writer.WriteNumber("taken_at", checkpoint.TakenAt.UtcTicks);
        writer.WriteStartArray("chats");
        foreach (var chat in checkpoint.RateLimits.Chats)
        {
            writer.WriteStartObject();
            writer.WriteString("chat", chat.Chat.ToString());
            writer.WriteStartArray("sends");
            foreach (var sent in chat.Sends)
            {
                writer.WriteNumberValue(sent.UtcTicks);
            }

            writer.WriteEndArray();
            writer.WriteNumber("consecutive", chat.Consecutive);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("blocks");
        foreach (var block in checkpoint.Blocks)
        {
            writer.WriteStartObject();
            writer.WriteString("chat", block.Chat.ToString());
            writer.WriteString("reason", block.Reason.ToCode());
            writer.WriteNumber("suppressed", block.Suppressed);
            writer.WriteNumber("last", block.LastBlockedAt.UtcTicks);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("capped");
        foreach (var block in checkpoint.CappedBlocks)
        {
            writer.WriteStartObject();
            writer.WriteNumber("hour", block.Hour.UtcTicks);
            writer.WriteString("reason", block.Reason.ToCode());
            writer.WriteNumber("count", block.Count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
