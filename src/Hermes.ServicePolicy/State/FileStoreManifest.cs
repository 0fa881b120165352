using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>One log segment as the manifest last acknowledged it.</summary>
/// <param name="File">The file name in the state directory.</param>
/// <param name="First">The first event it holds (the one after the previous segment's last).</param>
/// <param name="Last">The last acknowledged event (First - 1 when it holds none yet).</param>
/// <param name="Length">The acknowledged length in bytes (exact for a sealed segment).</param>
/// <param name="LastCrc">The checksum of the last acknowledged record.</param>
/// <param name="LastTime">The time of the last acknowledged event (retention prunes by it).</param>
internal sealed record FileSegment(string File, long First, long Last, long Length, uint LastCrc, DateTimeOffset? LastTime);

/// <summary>
/// <c>log.mark</c>: how much history was acknowledged (docs/state-and-backups.md). Version 2 lists the log's segments
/// (every sealed one exactly, the active one up to what was acknowledged when the manifest was written) and how far
/// retention pruned. Version 1, written by the previous release, described the single <c>events.log</c>; it reads as a
/// manifest with that one segment. At open, everything the manifest claims must be exactly there.
/// </summary>
internal sealed record FileStoreManifest(IReadOnlyList<FileSegment> Segments, long PrunedThrough, DateTimeOffset? PrunedAt)
{
    public const string FileName = "log.mark";

    /// <summary>The first segment's name: the name of the single log of the previous release.</summary>
    public const string FirstSegment = "events.log";

    public static FileStoreManifest New { get; } = new([new FileSegment(FirstSegment, 1, 0, 0, 0, null)], 0, null);

    public FileSegment Active => Segments[^1];

    public long Head => Active.Last;

    public static string SegmentName(long first) => first == 1 ? FirstSegment : $"events-{first.ToString("D20", CultureInfo.InvariantCulture)}.log";

    /// <summary>Reads the manifest in <paramref name="directory"/>, or null when there is none.</summary>
    /// <exception cref="StateStoreCorruptedException">It exists but cannot be read, or its values contradict each other.</exception>
    public static FileStoreManifest? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var manifest = root.TryGetProperty("version", out var version) && version.GetInt32() == 2 ? ReadVersion2(root) : ReadVersion1(root);
            Validate(manifest);
            return manifest;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or ArgumentNullException)
        {
            throw new StateStoreCorruptedException(path, 0, $"the log manifest cannot be read ({ex.Message})", ex);
        }
    }

    private static FileStoreManifest ReadVersion1(JsonElement root)
    {
        var length = root.GetProperty("length").GetInt64();
        var sequence = root.GetProperty("sequence").GetInt64();
        if ((length == 0) != (sequence == 0))
        {
            throw new FormatException("the values are out of range");
        }

        return new([new FileSegment(FirstSegment, 1, sequence, length, ParseCrc(root.GetProperty("last_crc")), null)], 0, null);
    }

    private static FileStoreManifest ReadVersion2(JsonElement root)
    {
        var segments = new List<FileSegment>();
        foreach (var s in root.GetProperty("segments").EnumerateArray())
        {
            segments.Add(new FileSegment(
                s.GetProperty("file").GetString()!,
                s.GetProperty("first").GetInt64(),
                s.GetProperty("last").GetInt64(),
                s.GetProperty("length").GetInt64(),
                ParseCrc(s.GetProperty("last_crc")),
                s.TryGetProperty("last_time", out var time) ? time.GetDateTimeOffset() : null));
        }

        DateTimeOffset? prunedAt = root.TryGetProperty("pruned_at", out var at) ? at.GetDateTimeOffset() : null;
        return new(segments, root.GetProperty("pruned_through").GetInt64(), prunedAt);
    }

    private static uint ParseCrc(JsonElement element) => uint.Parse(element.GetString()!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static void Validate(FileStoreManifest manifest)
    {
        if (manifest.Segments.Count == 0 || manifest.PrunedThrough < 0)
        {
            throw new FormatException("it lists no segment");
        }

        var expectedFirst = manifest.Segments[0].First;
        if (manifest.PrunedThrough > 0 ? expectedFirst != manifest.PrunedThrough + 1 : expectedFirst != 1)
        {
            throw new FormatException("the first segment does not start where pruning ended");
        }

        foreach (var s in manifest.Segments)
        {
            if (s.First != expectedFirst || s.Last < s.First - 1 || s.Length < 0 || (s.Length == 0) != (s.Last == s.First - 1)
                || s.File != SegmentName(s.First))
            {
                throw new FormatException($"segment '{s.File}' is out of range");
            }

            expectedFirst = s.Last + 1;
        }
    }

    /// <summary>Replaces the manifest atomically (a temporary file flushed to disk, then renamed over the old one).</summary>
    public void Write(string directory)
    {
        AtomicJsonFile.Write(Path.Combine(directory, FileName), writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 2);
            writer.WriteStartArray("segments");
            foreach (var s in Segments)
            {
                writer.WriteStartObject();
                writer.WriteString("file", s.File);
                writer.WriteNumber("first", s.First);
                writer.WriteNumber("last", s.Last);
                writer.WriteNumber("length", s.Length);
                writer.WriteString("last_crc", s.LastCrc.ToString("x8", CultureInfo.InvariantCulture));
                if (s.LastTime is { } time)
                {
                    writer.WriteString("last_time", time);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("pruned_through", PrunedThrough);
            if (PrunedAt is { } prunedAt)
            {
                writer.WriteString("pruned_at", prunedAt);
            }

            writer.WriteEndObject();
        });
    }
}
