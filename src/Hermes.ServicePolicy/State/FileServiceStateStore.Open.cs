using System;
using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Hermes.ServicePolicy.State;

public sealed partial class FileServiceStateStore
{
    /// <summary>
    /// Opens (creating if needed, owner-only) the store in <paramref name="directory"/>, takes its lock and validates
    /// the log against its manifest. A torn last record is dropped; any other damage throws.
    /// </summary>
    /// <exception cref="IOException">Another process (or another store in this process) has the directory open, or the
    /// directory or its log cannot be used (a file where the directory should be, a directory where the log should be,
    /// no permission).</exception>
    /// <exception cref="StateStoreCorruptedException">The log, the manifest or the checkpoint is damaged.</exception>
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

        SafeFileHandle? active = null;
        try
        {
            var manifest = ReadManifest(directory);
            CheckSealed(directory, manifest);
            var path = Path.Combine(directory, manifest.Active.File);
            active = OpenActive(path, manifest.Active);
            var scan = new FileSegmentReader(path, manifest.Active);
            var length = RandomAccess.GetLength(active);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
            {
                foreach (var unused in scan.Read(stream, length))
                {
                    // Validated only: start-up replays from the snapshot through ReadAsync.
                }
            }

            var store = new FileServiceStateStore(directory, lockFile, manifest, active, scan);
            if (scan.ValidLength < length)
            {
                // Only ever the tail after the last acknowledged record (FileSegmentReader refuses anything else).
                RandomAccess.SetLength(active, scan.ValidLength);
                RandomAccess.FlushToDisk(active);
                store.DroppedTornBytes = length - scan.ValidLength;
            }

            lock (store._writeLock)
            {
                store.WriteManifest();
            }

            return store;
        }
        catch
        {
            active?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStoreManifest ReadManifest(string directory)
    {
        var logPath = Path.Combine(directory, LogFileName);
        if (System.IO.Directory.Exists(logPath))
        {
            throw new IOException($"The state log '{logPath}' is a directory, not a file; the state directory '{directory}' cannot be used.");
        }

        if (FileStoreManifest.Read(directory) is { } manifest)
        {
            return manifest;
        }

        if (!File.Exists(logPath) && File.Exists(Path.Combine(directory, CheckpointFileName)))
        {
            // Never start empty over history that was acknowledged: a deleted log is damage, not a new directory.
            throw new StateStoreCorruptedException(logPath, 0, $"the log is missing, but {CheckpointFileName} shows the directory was in use");
        }

        foreach (var later in System.IO.Directory.EnumerateFiles(directory, "events-*.log"))
        {
            if (new FileInfo(later).Length > 0)
            {
                throw new StateStoreCorruptedException(Path.Combine(directory, ManifestFileName), 0, $"the manifest is missing, but the log has segments beyond {LogFileName} ({Path.GetFileName(later)})");
            }
        }

        // A new directory, or one written before manifests existed: nothing was marked acknowledged.
        return FileStoreManifest.New;
    }

    /// <summary>Every sealed segment must be there with exactly the length it was sealed at.</summary>
    private static void CheckSealed(string directory, FileStoreManifest manifest)
    {
        for (var i = 0; i < manifest.Segments.Count - 1; i++)
        {
            var segment = manifest.Segments[i];
            var path = Path.Combine(directory, segment.File);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new StateStoreCorruptedException(path, 0, $"the segment is missing, but {ManifestFileName} lists it with events {segment.First} to {segment.Last}");
            }

            if (info.Length != segment.Length || !LastRecordIs(path, segment))
            {
                // Damage: read the whole segment for the precise diagnosis (what was cut, zero-filled or replaced, and where).
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
                {
                    foreach (var unused in new FileSegmentReader(path, segment).Read(stream, stream.Length))
                    {
                    }
                }

                throw new StateStoreCorruptedException(path, Math.Min(info.Length, segment.Length), $"the sealed segment is {info.Length} bytes, but it was sealed at {segment.Length}: it was extended or replaced");
            }
        }
    }

    /// <summary>
    /// Whether a sealed segment still ends with the record it was sealed with (its checksum verifies and is the one the
    /// manifest recorded). With the length, this catches a segment cut, emptied, zero-filled or replaced without reading
    /// history; damage further inside is found whenever history is read.
    /// </summary>
    private static bool LastRecordIs(string path, FileSegment segment)
    {
        const int Window = 1 << 20;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        var length = (int)Math.Min(stream.Length, Window);
        var tail = new byte[length];
        stream.Position = stream.Length - length;
        stream.ReadExactly(tail);
        if (length == 0 || tail[^1] != (byte)'\n')
        {
            return false;
        }

        var start = Array.LastIndexOf(tail, (byte)'\n', length - 2) + 1;
        if (start == 0 && stream.Length > Window)
        {
            return false; // a last record longer than the window: let the full read decide
        }

        return FileSegmentReader.TryChecksum(tail.AsSpan(start, length - 1 - start), out var crc) && crc == segment.LastCrc;
    }

    private static SafeFileHandle OpenActive(string path, FileSegment acknowledged)
    {
        if (System.IO.Directory.Exists(path))
        {
            throw new IOException($"The state log '{path}' is a directory, not a file.");
        }

        var created = !File.Exists(path);
        if (created && acknowledged.Length > 0)
        {
            throw new StateStoreCorruptedException(path, 0, $"the log is missing, but {ManifestFileName} shows {acknowledged.Length} bytes of acknowledged history");
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"The state log '{path}' cannot be opened for reading and writing ({ex.Message}); check its owner and permissions.", ex);
        }

        if (created && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return handle;
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
}
