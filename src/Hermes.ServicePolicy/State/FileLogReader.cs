using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// Reads and validates the bytes of the file store's event log against its <see cref="FileLogMark"/> (docs/state-and-backups.md
/// "Durability"): everything up to the mark was acknowledged and must be exactly there; past the mark only the torn
/// tail of an append that never completed may be dropped: a last record with no newline, or one holding NUL bytes (a
/// block the file system extended but never wrote). Anything else is damage and stops the store from opening.
/// </summary>
internal static class FileLogReader
{
    /// <summary>What a valid log holds.</summary>
    /// <param name="Events">Every event, oldest first.</param>
    /// <param name="ValidLength">The length of the complete, valid records; bytes after it are a torn tail.</param>
    /// <param name="LastSequence">The sequence of the last event (0 for an empty log).</param>
    /// <param name="LastRecordCrc">The checksum of the last complete record (0 for an empty log).</param>
    public readonly record struct Result(List<PolicyEvent> Events, long ValidLength, long LastSequence, uint LastRecordCrc);

    /// <exception cref="StateStoreCorruptedException">The log is damaged; the message names the file, the offset and the damage.</exception>
    public static Result Read(byte[] bytes, string path, FileLogMark? mark)
    {
        var acknowledged = mark?.Length ?? 0;
        var events = new List<PolicyEvent>();
        long sequence = 0;
        uint lastCrc = 0;
        var offset = 0;
        while (offset < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', offset);
            if (newline < 0)
            {
                if (offset < acknowledged)
                {
                    throw new StateStoreCorruptedException(path, offset, $"the log ends inside a record, but {acknowledged} bytes were acknowledged (a missing newline, or a file cut short)");
                }

                break; // an append that never completed, so was never acknowledged: the torn tail
            }

            var line = bytes.AsSpan(offset, newline - offset);
            if (!TryChecksum(line, out var crc))
            {
                var isLast = newline == bytes.Length - 1;
                if (offset >= acknowledged && isLast && line.Contains((byte)0))
                {
                    break; // the torn tail of an append: the file system extended the file but never wrote the block
                }

                throw new StateStoreCorruptedException(path, offset, offset < acknowledged
                    ? "an acknowledged record is damaged (its checksum does not match, or it is zero-filled or replaced)"
                    : isLast ? "the last record is complete but its checksum does not match" : "a record's checksum does not match and more records follow it");
            }

            var start = offset;
            sequence = ReadRecord(bytes, start, line.Length, path, sequence, events);
            offset = newline + 1;
            lastCrc = crc;
            if (start < acknowledged && acknowledged < offset)
            {
                throw new StateStoreCorruptedException(path, acknowledged, "the acknowledged history ends inside a record: the log was replaced or rewritten");
            }

            if (offset == acknowledged && (sequence != mark!.Sequence || crc != mark.LastRecordCrc))
            {
                throw new StateStoreCorruptedException(path, start, $"the record that ends the acknowledged history is not the one acknowledged (event {sequence}, expected {mark.Sequence}): the log was replaced");
            }
        }

        if (offset < acknowledged)
        {
            throw new StateStoreCorruptedException(path, offset, $"the log holds {offset} bytes of valid records, but {acknowledged} bytes were acknowledged ({FileLogMark.FileName}): it was emptied, cut or replaced");
        }

        return new Result(events, offset, sequence, lastCrc);
    }

    /// <summary>Whether a record line is "crc32-hex space json" with a matching checksum.</summary>
    private static bool TryChecksum(ReadOnlySpan<byte> line, out uint crc)
    {
        crc = 0;
        return line.Length >= 10 && line[8] == (byte)' '
            && uint.TryParse(Encoding.ASCII.GetString(line[..8]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out crc)
            && crc == Crc32.Compute(line[9..]);
    }

    private static long ReadRecord(byte[] bytes, int offset, int length, string path, long sequence, List<PolicyEvent> events)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.AsMemory(offset + 9, length - 9));
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

            return sequence;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new StateStoreCorruptedException(path, offset, $"the record cannot be read ({ex.Message})", ex);
        }
    }
}
