using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// How much of the event log was acknowledged when the mark was written: its length, the sequence of its last event
/// and the checksum of its last record. The file store writes it (atomically, beside the log) when it opens, with
/// every counters checkpoint and at a clean shutdown. At the next open everything up to the mark must be exactly as it
/// was: a log that is shorter, emptied, zero-filled, replaced or missing is damage, never a torn tail.
/// </summary>
internal sealed record FileLogMark(long Length, long Sequence, uint LastRecordCrc)
{
    public const string FileName = "log.mark";

    public static readonly FileLogMark Empty = new(0, 0, 0);

    /// <summary>Reads the mark in <paramref name="directory"/>, or null when there is none (a new directory, or one written before marks existed).</summary>
    /// <exception cref="StateStoreCorruptedException">The mark exists but cannot be read.</exception>
    public static FileLogMark? Read(string directory)
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
            var mark = new FileLogMark(
                root.GetProperty("length").GetInt64(),
                root.GetProperty("sequence").GetInt64(),
                uint.Parse(root.GetProperty("last_crc").GetString()!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            if (mark.Length < 0 || mark.Sequence < 0 || (mark.Length == 0) != (mark.Sequence == 0))
            {
                throw new FormatException("the values are out of range");
            }

            return mark;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException or OverflowException or ArgumentNullException)
        {
            throw new StateStoreCorruptedException(path, 0, $"the log mark cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>Replaces the mark atomically (a temporary file flushed to disk, then renamed over the old one).</summary>
    public void Write(string directory)
    {
        AtomicJsonFile.Write(Path.Combine(directory, FileName), writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("length", Length);
            writer.WriteNumber("sequence", Sequence);
            writer.WriteString("last_crc", LastRecordCrc.ToString("x8", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
    }
}
