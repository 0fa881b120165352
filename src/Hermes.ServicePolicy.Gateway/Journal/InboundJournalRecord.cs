using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hermes.ServicePolicy.Gateway.Transport;

namespace Hermes.ServicePolicy.Gateway.Journal;

/// <summary>
/// One line of the inbound journal: <c>{checksum} {json}\n</c>, where the checksum is the first 8 bytes of the SHA-256 of
/// the JSON's UTF-8 bytes in upper-case hex. The JSON is written by System.Text.Json's default encoder, which escapes
/// line breaks, quotes, control characters and everything outside ASCII: a line is ASCII, and no field value, however
/// hostile, can end it or start another.
/// </summary>
internal sealed class InboundJournalRecord
{
    public const int CurrentVersion = 2;
    public const string Header = "journal";
    public const string Take = "take";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Aside = "aside";
    private const int ChecksumLength = 16;

    /// <summary>Gets or sets what the record says: <c>journal</c> (the header), <c>take</c>, <c>failed</c>, <c>done</c> or <c>aside</c>.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Gets or sets the header's format version.</summary>
    public int Version { get; set; }

    /// <summary>Gets or sets the event taken (<c>take</c>).</summary>
    public IncomingMessage? Event { get; set; }

    /// <summary>Gets or sets the event's chat (<c>failed</c>, <c>done</c>, <c>aside</c>).</summary>
    public string? Chat { get; set; }

    /// <summary>Gets or sets the event's message id (<c>failed</c>, <c>done</c>, <c>aside</c>).</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets when, in Unix seconds.</summary>
    public long At { get; set; }

    /// <summary>Gets or sets how many attempts have failed (<c>failed</c>).</summary>
    public int Attempts { get; set; }

    /// <summary>Gets or sets the error of a failed attempt or of the last one before the event was set aside.</summary>
    public string? Error { get; set; }

    /// <summary>Appends the record as one line.</summary>
    public static StringBuilder Append(StringBuilder lines, InboundJournalRecord record)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, GatewayJson.Default.InboundJournalRecord);
        return lines.Append(Checksum(json)).Append(' ').Append(Encoding.UTF8.GetString(json)).Append('\n');
    }

    /// <summary>Reads one line (without its line break); null with the reason when it does not verify.</summary>
    public static InboundJournalRecord? Parse(ReadOnlySpan<byte> line, out string? problem)
    {
        if (line.Length < ChecksumLength + 3 || line[ChecksumLength] != (byte)' ')
        {
            problem = "the line is not a checksum and a record";
            return null;
        }

        var json = line[(ChecksumLength + 1)..];
        if (!Encoding.ASCII.GetString(line[..ChecksumLength]).Equals(Checksum(json), StringComparison.Ordinal))
        {
            problem = "the checksum does not match the record";
            return null;
        }

        InboundJournalRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, GatewayJson.Default.InboundJournalRecord);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            problem = $"the record is not readable JSON ({ex.Message})";
            return null;
        }

        problem = record is null ? "the record is empty" : Check(record);
        return problem is null ? record : null;
    }

    // A record that verified but says something no gateway writes is damage too.
    private static string? Check(InboundJournalRecord record) => record.Kind switch
    {
        Header => record.Version == CurrentVersion ? null : $"the journal's version is {record.Version}, this gateway reads version {CurrentVersion}",
        Take => record.Event is { MessageId.Length: > 0, ChatId.Length: > 0, Body: not null, MediaType: not null, MediaUrls: not null } e && !HasNull(e.MediaUrls)
            ? null
            : "a taken event without its message id, chat or fields",
        Done or Aside or Failed => record.Chat is { Length: > 0 } && record.Id is { Length: > 0 } && (record.Kind != Failed || record.Attempts > 0)
            ? null
            : $"a '{record.Kind}' record without its chat or message id",
        _ => $"an unknown record kind '{record.Kind}'",
    };

    private static bool HasNull(System.Collections.Generic.IReadOnlyList<string> items)
    {
        foreach (var item in items)
        {
            if (item is null)
            {
                return true;
            }
        }

        return false;
    }

    private static string Checksum(ReadOnlySpan<byte> json)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(json, hash);
        return Convert.ToHexString(hash[..(ChecksumLength / 2)]);
    }
}
