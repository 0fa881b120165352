using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Hermes.ServicePolicy.Gateway.Transport;

namespace Hermes.ServicePolicy.Gateway.Journal;

/// <summary>
/// The gateway's local journal of inbound messages (docs/writing-a-transport.md#the-inbound-journal): a transport's
/// receive may be destructive (Hermes's <c>GET /messages</c> is), so every message taken is written (and flushed to disk) before it is decided, and marked done after; a
/// crash in between loses nothing, the next start decides what was left. Events are known by chat and message id; the
/// ids of decided events are remembered for <see cref="SeenWindow"/>, so a WhatsApp re-delivery is handled once.
/// An event whose handling keeps failing is set aside after a bounded number of attempts, so the queue goes on.
/// </summary>
/// <remarks>
/// Every field comes from the transport and is untrusted, so no field can become a record: each line is one JSON object
/// (<see cref="InboundJournalRecord"/>; line breaks, quotes and every non-ASCII character escaped) behind its own
/// checksum. A torn last line (a crash mid-write, never acknowledged) is dropped; any other line that does not verify
/// is damage, and the journal refuses to open (fail closed: nothing in it is run, nothing is sent).
/// </remarks>
internal sealed class InboundJournal : IDisposable
{
    public const string FileName = "inbound.journal";

    public static readonly TimeSpan SeenWindow = TimeSpan.FromDays(7);

    private readonly string _path;
    private readonly List<IncomingMessage> _pending = [];
    private readonly Dictionary<InboundKey, long> _seen = [];
    private readonly Dictionary<InboundKey, int> _failures = [];
    private FileStream _file;

    private InboundJournal(string path, FileStream file)
    {
        _path = path;
        _file = file;
    }

    /// <summary>Messages taken from the transport and not decided yet, oldest first.</summary>
    public IReadOnlyList<IncomingMessage> Pending => _pending;

    /// <summary>Opens (creating if needed) the journal in <paramref name="directory"/>, then rewrites it with only what still matters.</summary>
    /// <exception cref="InboundJournalCorruptedException">A line other than a torn last one does not verify.</exception>
    public static InboundJournal Open(string directory, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var journal = new InboundJournal(path, null!);
        if (File.Exists(path))
        {
            journal.Replay(File.ReadAllBytes(path), now);
        }

        journal._file = journal.Compact();
        return journal;
    }

    public bool IsSeen(IncomingMessage e) => _seen.ContainsKey(InboundKey.Of(e));

    /// <summary>How many attempts at <paramref name="e"/> failed so far (durable: a restart does not reset it).</summary>
    public int Failures(IncomingMessage e) => _failures.GetValueOrDefault(InboundKey.Of(e));

    /// <summary>Writes messages just taken from the transport (the ones not seen or pending already), durably, and returns them.</summary>
    public List<IncomingMessage> Take(IReadOnlyList<IncomingMessage> events)
    {
        var fresh = new List<IncomingMessage>();
        var lines = new StringBuilder();
        foreach (var e in events)
        {
            var key = InboundKey.Of(e);
            if (_seen.ContainsKey(key) || _pending.Exists(p => InboundKey.Of(p) == key))
            {
                continue; // a re-delivery, or the same event twice in one poll
            }

            fresh.Add(e);
            _pending.Add(e);
            InboundJournalRecord.Append(lines, new InboundJournalRecord { Kind = InboundJournalRecord.Take, Event = e });
        }

        Write(lines);
        return fresh;
    }

    /// <summary>Marks an event decided (delivered, routed or dropped): durable, and remembered as seen.</summary>
    public void Done(IncomingMessage e, DateTimeOffset now) => Close(e, InboundJournalRecord.Done, null, now);

    /// <summary>Records a failed attempt at the first pending event (durably); returns how many attempts failed so far.</summary>
    public int Failed(IncomingMessage e, string error, DateTimeOffset now)
    {
        var key = InboundKey.Of(e);
        var failures = _failures.GetValueOrDefault(key) + 1;
        _failures[key] = failures;
        Write(InboundJournalRecord.Append(new StringBuilder(), new InboundJournalRecord { Kind = InboundJournalRecord.Failed, Chat = key.Chat, Id = key.Id, At = now.ToUnixTimeSeconds(), Error = error, Attempts = failures }));
        return failures;
    }

    /// <summary>Sets an event aside after repeated failures: never decided again, remembered as seen, so the queue goes on.</summary>
    public void SetAside(IncomingMessage e, string error, DateTimeOffset now) => Close(e, InboundJournalRecord.Aside, error, now);

    private void Close(IncomingMessage e, string kind, string? error, DateTimeOffset now)
    {
        var key = InboundKey.Of(e);
        _pending.RemoveAll(p => InboundKey.Of(p) == key);
        _failures.Remove(key);
        _seen[key] = now.ToUnixTimeSeconds();
        Write(InboundJournalRecord.Append(new StringBuilder(), new InboundJournalRecord { Kind = kind, Chat = key.Chat, Id = key.Id, At = now.ToUnixTimeSeconds(), Error = error }));
    }

    private void Write(StringBuilder lines)
    {
        if (lines.Length == 0)
        {
            return;
        }

        _file.Write(Encoding.UTF8.GetBytes(lines.ToString()));
        _file.Flush(flushToDisk: true);
    }

    private void Replay(byte[] bytes, DateTimeOffset now)
    {
        var lineNumber = 0;
        var start = 0;
        while (start < bytes.Length)
        {
            lineNumber++;
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                return; // a torn last line: never acknowledged, dropped by the compaction that follows
            }

            var record = InboundJournalRecord.Parse(bytes.AsSpan(start, end - start), out var problem);
            if (record is null || (lineNumber == 1) != (record.Kind == InboundJournalRecord.Header))
            {
                throw new InboundJournalCorruptedException(_path, lineNumber, problem
                    ?? (lineNumber == 1
                        ? "the first line is not this version's header: the file was written by an earlier gateway, whose lines a message id could forge, so it is not read (move it aside to start afresh)"
                        : "a header in the middle of the journal"));
            }

            Apply(record, now);
            start = end + 1;
        }
    }

    private void Apply(InboundJournalRecord record, DateTimeOffset now)
    {
        if (record.Kind == InboundJournalRecord.Take)
        {
            var key = InboundKey.Of(record.Event!);
            if (!_seen.ContainsKey(key) && !_pending.Exists(p => InboundKey.Of(p) == key))
            {
                _pending.Add(record.Event!);
            }

            return;
        }

        var closed = new InboundKey(record.Chat!, record.Id!);
        if (record.Kind == InboundJournalRecord.Failed)
        {
            _failures[closed] = Math.Max(record.Attempts, _failures.GetValueOrDefault(closed));
            return;
        }

        if (record.Kind is InboundJournalRecord.Done or InboundJournalRecord.Aside)
        {
            _pending.RemoveAll(p => InboundKey.Of(p) == closed);
            _failures.Remove(closed);
            if (now.ToUnixTimeSeconds() - record.At < SeenWindow.TotalSeconds)
            {
                _seen[closed] = record.At;
            }
        }
    }

    // Rewrites the journal with only what still matters (pending events and their failures, recently seen ids), then appends to it.
    private FileStream Compact()
    {
        var temporary = _path + ".tmp";
        var lines = InboundJournalRecord.Append(new StringBuilder(), new InboundJournalRecord { Kind = InboundJournalRecord.Header, Version = InboundJournalRecord.CurrentVersion });
        foreach (var (key, at) in _seen)
        {
            InboundJournalRecord.Append(lines, new InboundJournalRecord { Kind = InboundJournalRecord.Done, Chat = key.Chat, Id = key.Id, At = at });
        }

        foreach (var e in _pending)
        {
            InboundJournalRecord.Append(lines, new InboundJournalRecord { Kind = InboundJournalRecord.Take, Event = e });
            var key = InboundKey.Of(e);
            if (_failures.TryGetValue(key, out var failures))
            {
                InboundJournalRecord.Append(lines, new InboundJournalRecord { Kind = InboundJournalRecord.Failed, Chat = key.Chat, Id = key.Id, Attempts = failures });
            }
        }

        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(lines.ToString()));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>An event's identity: WhatsApp message ids are unique within a chat, not across chats.</summary>
    private readonly record struct InboundKey(string Chat, string Id)
    {
        public static InboundKey Of(IncomingMessage e) => new(e.ChatId, e.MessageId);
    }
}
