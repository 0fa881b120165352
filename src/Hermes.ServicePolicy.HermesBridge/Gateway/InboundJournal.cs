using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using Hermes.ServicePolicy.HermesBridge.Client;

namespace Hermes.ServicePolicy.HermesBridge.Gateway;

/// <summary>
/// The gateway's local journal of inbound events (docs/hermes-bridge.md): <c>GET /messages</c> is destructive, so every
/// event taken is written (and flushed to disk) before it is decided, and marked done after; a crash in between loses
/// nothing, the next start decides what was left. The ids of decided events are remembered for
/// <see cref="SeenWindow"/>, so a WhatsApp re-delivery is handled once. One line per fact, append-only; compacted when
/// opened. A torn last line (a crash mid-write) is ignored.
/// </summary>
internal sealed class InboundJournal : IDisposable
{
    public const string FileName = "inbound.journal";

    public static readonly TimeSpan SeenWindow = TimeSpan.FromDays(7);

    private readonly string _path;
    private readonly List<BridgeEvent> _pending = [];
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private FileStream _file;

    private InboundJournal(string path, FileStream file)
    {
        _path = path;
        _file = file;
    }

    /// <summary>Events taken from the bridge and not decided yet, oldest first.</summary>
    public IReadOnlyList<BridgeEvent> Pending => _pending;

    public static InboundJournal Open(string directory, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var journal = new InboundJournal(path, null!);
        if (File.Exists(path))
        {
            journal.Replay(File.ReadAllText(path, Encoding.UTF8), now);
        }

        journal._file = journal.Compact();
        return journal;
    }

    public bool IsSeen(string messageId) => _seen.ContainsKey(messageId);

    /// <summary>Writes events just taken from the bridge (the ones not seen before), durably, and returns them.</summary>
    public List<BridgeEvent> Take(IReadOnlyList<BridgeEvent> events)
    {
        var fresh = new List<BridgeEvent>();
        var lines = new StringBuilder();
        foreach (var e in events)
        {
            if (_seen.ContainsKey(e.MessageId) || _pending.Exists(p => p.MessageId == e.MessageId))
            {
                continue; // a re-delivery, or the same event twice in one poll
            }

            fresh.Add(e);
            _pending.Add(e);
            lines.Append("T ").Append(JsonSerializer.Serialize(e, BridgeJson.Default.BridgeEvent)).Append('\n');
        }

        Write(lines);
        return fresh;
    }

    /// <summary>Marks an event decided (delivered, routed or dropped): durable, and remembered as seen.</summary>
    public void Done(string messageId, DateTimeOffset now)
    {
        _pending.RemoveAll(p => p.MessageId == messageId);
        _seen[messageId] = now.ToUnixTimeSeconds();
        Write(new StringBuilder("D ").Append(messageId).Append(' ').Append(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n'));
    }

    private void Write(StringBuilder lines)
    {
        if (lines.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(lines.ToString());
        _file.Write(bytes);
        _file.Flush(flushToDisk: true);
    }

    private void Replay(string text, DateTimeOffset now)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length < 2 || (i == lines.Length - 1 && !text.EndsWith('\n')))
            {
                continue; // empty, or a torn last line that was never acknowledged
            }

            if (line.StartsWith("T ", StringComparison.Ordinal))
            {
                if (JsonSerializer.Deserialize(line.AsSpan(2), BridgeJson.Default.BridgeEvent) is { } e && !_seen.ContainsKey(e.MessageId))
                {
                    _pending.Add(e);
                }
            }
            else if (line.StartsWith("D ", StringComparison.Ordinal) && line.Split(' ') is [_, var id, var at] && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                _pending.RemoveAll(p => p.MessageId == id);
                if (now.ToUnixTimeSeconds() - seconds < SeenWindow.TotalSeconds)
                {
                    _seen[id] = seconds;
                }
            }
        }
    }

    // Rewrites the journal with only what still matters (pending events, recently seen ids), then appends to it.
    private FileStream Compact()
    {
        var temporary = _path + ".tmp";
        var lines = new StringBuilder();
        foreach (var (id, at) in _seen)
        {
            lines.Append("D ").Append(id).Append(' ').Append(at.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        foreach (var e in _pending)
        {
            lines.Append("T ").Append(JsonSerializer.Serialize(e, BridgeJson.Default.BridgeEvent)).Append('\n');
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
}
