using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Hermes.ServicePolicy.State;

/// <summary>One record of a log segment: an 8-digit CRC-32 of the JSON, a space, a JSON array of events, a newline.</summary>
internal static class FileRecords
{
    public static byte[] Encode(IReadOnlyList<PolicyEvent> events) => Encode(events, out _);

    public static byte[] Encode(IReadOnlyList<PolicyEvent> events, out uint crc)
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
}
