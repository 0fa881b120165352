using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The file store's snapshots, in <c>snapshots/</c>: <c>snapshot-{position}.snap</c>, a one-line JSON header (format,
/// position, time, length, CRC-32 of the content) and the content. Written to a temporary file, flushed to disk and
/// renamed, so a crash leaves the old set plus at most a temporary file. A snapshot whose header, length or checksum
/// does not verify is never trusted: the store takes the next older one (and replays more of the log) or none.
/// </summary>
internal static class FileSnapshots
{
    public const string DirectoryName = "snapshots";
    private const string Format = "hermes-snapshot/1";
    private const string Prefix = "snapshot-";
    private const string Extension = ".snap";

    /// <summary>How many snapshots are kept: the newest, and one to fall back to.</summary>
    public const int Kept = 2;

    public static string PathOf(string directory, long position)
        => Path.Combine(directory, DirectoryName, Prefix + position.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The positions of the snapshot files present, newest first (their content is not checked here).</summary>
    public static List<long> List(string directory)
    {
        var positions = new List<long>();
        var folder = Path.Combine(directory, DirectoryName);
        if (!Directory.Exists(folder))
        {
            return positions;
        }

        foreach (var file in Directory.EnumerateFiles(folder, Prefix + "*" + Extension))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                positions.Add(position);
            }
        }

        positions.Sort(static (a, b) => b.CompareTo(a));
        return positions;
    }

    /// <summary>Reads and verifies one snapshot; null with the reason when it cannot be trusted.</summary>
    public static StateSnapshot? TryRead(string directory, long position, out string? problem)
    {
        var path = PathOf(directory, position);
        try
        {
            var bytes = File.ReadAllBytes(path);
            var newline = Array.IndexOf(bytes, (byte)'\n');
            if (newline < 0)
            {
                problem = "it has no header";
                return null;
            }

            using var header = JsonDocument.Parse(bytes.AsMemory(0, newline));
            var root = header.RootElement;
            var length = root.GetProperty("length").GetInt64();
            var crc = uint.Parse(root.GetProperty("crc").GetString()!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var content = bytes.AsMemory(newline + 1);
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("position").GetInt64() != position)
            {
                problem = "its header names another format or position";
                return null;
            }

            if (content.Length != length || Crc32.Compute(content.Span) != crc)
            {
                problem = $"its content is {content.Length} bytes with a checksum that does not match (expected {length} bytes)";
                return null;
            }

            problem = null;
            return new StateSnapshot(position, root.GetProperty("taken_at").GetDateTimeOffset(), content);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentNullException)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>Writes a snapshot durably, then removes all but the newest <see cref="Kept"/>.</summary>
    public static void Write(string directory, StateSnapshot snapshot)
    {
        var folder = Path.Combine(directory, DirectoryName);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = PathOf(directory, snapshot.Position);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(Header(snapshot));
            stream.Write(snapshot.Content.Span);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        var positions = List(directory);
        for (var i = Kept; i < positions.Count; i++)
        {
            File.Delete(PathOf(directory, positions[i]));
        }
    }

    private static byte[] Header(StateSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("position", snapshot.Position);
            writer.WriteString("taken_at", snapshot.TakenAt);
            writer.WriteNumber("length", snapshot.Content.Length);
            writer.WriteString("crc", Crc32.Compute(snapshot.Content.Span).ToString("x8", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The header's text, for messages.</summary>
    public static string Describe(long position) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{position:D20}{Extension}");
}
