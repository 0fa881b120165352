using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// Reads one log segment record by record, streaming (a buffer the size of the longest record, never the whole file),
/// and validates it against what the manifest acknowledged (docs/state-and-backups.md "Durability"): everything up to
/// the acknowledged length must be exactly there; past it only the torn tail of an append that never completed may be
/// left: a last record with no newline, or one holding NUL bytes (a block the file system extended but never wrote).
/// Anything else is damage. After the enumeration, the properties describe the valid part.
/// </summary>
internal sealed class FileSegmentReader
{
    private const int MaxRecordBytes = 64 * 1024 * 1024;

    private readonly string _path;
    private readonly FileSegment _acknowledged;

    public FileSegmentReader(string path, FileSegment acknowledged)
    {
        _path = path;
        _acknowledged = acknowledged;
        LastSequence = acknowledged.First - 1;
    }

    /// <summary>Gets the length of the complete, valid records; bytes after it are a torn tail.</summary>
    public long ValidLength { get; private set; }

    /// <summary>Gets the last event read (First - 1 when none).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Gets the checksum of the last complete record.</summary>
    public uint LastCrc { get; private set; }

    /// <summary>Gets the time of the last event read.</summary>
    public DateTimeOffset? LastTime { get; private set; }

    /// <summary>Streams the segment's events; <paramref name="length"/> is the file length to read up to.</summary>
    /// <exception cref="StateStoreCorruptedException">The segment is damaged; the message names the file, the offset and the damage.</exception>
    public IEnumerable<PolicyEvent> Read(Stream stream, long length)
    {
        var acknowledged = _acknowledged.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long bufferStart = 0; // file offset of buffer[0]
            var filled = 0;
            var consumed = 0;
            long offset = 0;
            stream.Position = 0;
            while (offset < length)
            {
                var newline = buffer.AsSpan(consumed, filled - consumed).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    if (bufferStart + filled >= length)
                    {
                        if (offset < acknowledged)
                        {
                            throw Damage(offset, $"the log ends inside a record, but {acknowledged} bytes were acknowledged (a missing newline, or a file cut short)");
                        }

                        break; // an append that never completed, so was never acknowledged: the torn tail
                    }

                    (buffer, bufferStart, filled, consumed) = Refill(stream, buffer, bufferStart, filled, consumed, length);
                    continue;
                }

                var line = buffer.AsSpan(consumed, newline);
                var end = offset + newline + 1;
                if (!TryChecksum(line, out var crc))
                {
                    var isLast = end == length;
                    if (offset >= acknowledged && isLast && line.Contains((byte)0))
                    {
                        break;
                    }

                    throw Damage(offset, offset < acknowledged
                        ? "an acknowledged record is damaged (its checksum does not match, or it is zero-filled or replaced)"
                        : isLast ? "the last record is complete but its checksum does not match" : "a record's checksum does not match and more records follow it");
                }

                foreach (var e in ReadRecord(buffer.AsMemory(consumed + 9, newline - 9), offset))
                {
                    yield return e;
                }

                if (offset < acknowledged && acknowledged < end)
                {
                    throw Damage(acknowledged, "the acknowledged history ends inside a record: the log was replaced or rewritten");
                }

                if (end == acknowledged && (LastSequence != _acknowledged.Last || crc != _acknowledged.LastCrc))
                {
                    throw Damage(offset, $"the record that ends the acknowledged history is not the one acknowledged (event {LastSequence}, expected {_acknowledged.Last}): the log was replaced");
                }

                LastCrc = crc;
                ValidLength = end;
                offset = end;
                consumed += newline + 1;
            }

            if (ValidLength < acknowledged)
            {
                throw Damage(ValidLength, $"the log holds {ValidLength} bytes of valid records, but {acknowledged} bytes were acknowledged ({FileStoreManifest.FileName}): it was emptied, cut or replaced");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private (byte[] Buffer, long Start, int Filled, int Consumed) Refill(Stream stream, byte[] buffer, long start, int filled, int consumed, long length)
    {
        var kept = filled - consumed;
        if (consumed == 0 && filled == buffer.Length)
        {
            if (buffer.Length >= MaxRecordBytes)
            {
                throw Damage(start, $"a record is longer than {MaxRecordBytes} bytes");
            }

            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, filled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        else
        {
            buffer.AsSpan(consumed, kept).CopyTo(buffer);
            start += consumed;
            filled = kept;
            consumed = 0;
        }

        var want = (int)Math.Min(buffer.Length - filled, length - (start + filled));
        var read = stream.Read(buffer, filled, want);
        if (read <= 0)
        {
            throw Damage(start + filled, "the file got shorter while it was read");
        }

        return (buffer, start, filled + read, consumed);
    }

    /// <summary>Whether a record line is "crc32-hex space json" with a matching checksum.</summary>
    internal static bool TryChecksum(ReadOnlySpan<byte> line, out uint crc)
    {
        crc = 0;
        return line.Length >= 10 && line[8] == (byte)' '
            && uint.TryParse(Encoding.ASCII.GetString(line[..8]), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out crc)
            && crc == Crc32.Compute(line[9..]);
    }

    private List<PolicyEvent> ReadRecord(ReadOnlyMemory<byte> json, long offset)
    {
        var events = new List<PolicyEvent>(1);
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                var e = PolicyEventJson.Read(element);
                if (e.Sequence != LastSequence + 1)
                {
                    throw Damage(offset, $"expected event {LastSequence + 1}, found {e.Sequence}");
                }

                LastSequence = e.Sequence;
                LastTime = e.Timestamp;
                events.Add(e);
            }

            return events;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            throw new StateStoreCorruptedException(_path, offset, $"the record cannot be read ({ex.Message})", ex);
        }
    }

    private StateStoreCorruptedException Damage(long offset, string problem) => new(_path, offset, problem);
}
