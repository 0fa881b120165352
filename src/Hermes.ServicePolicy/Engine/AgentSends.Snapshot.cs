using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.Engine;

/// <summary>The agent's kept permits in a snapshot: copied out, and read back before the log's tail is replayed.</summary>
internal sealed partial class AgentSends
{
    /// <summary>Copies the permits of the last day, by time then send id (a snapshot: equal states, equal bytes).</summary>
    public List<AgentSend> Capture(DateTimeOffset now)
    {
        var copy = new List<AgentSend>();
        lock (_lock)
        {
            var dayAgo = now.UtcTicks - Day.Ticks;
            for (var i = 0; i < _count; i++)
            {
                var e = _ring[(_head + i) % _ring.Length];
                if (e.Ticks > dayAgo)
                {
                    // A fingerprint outside the duplicate window decides nothing: not kept (equal states, equal bytes).
                    var fingerprint = e.Failed || e.Ticks + _window <= now.UtcTicks ? 0 : e.Fingerprint;
                    copy.Add(new AgentSend(e.Chat, e.Send, new DateTimeOffset(e.Ticks, TimeSpan.Zero), fingerprint, e.Failed));
                }
            }
        }

        copy.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Send.Epoch != b.Send.Epoch ? a.Send.Epoch.CompareTo(b.Send.Epoch) : a.Send.Number.CompareTo(b.Send.Number));
        return copy;
    }

    /// <summary>Sets the kept permits from a snapshot (before the log's tail is replayed).</summary>
    public void Restore(IReadOnlyList<AgentSend> sends)
    {
        lock (_lock)
        {
            foreach (var s in sends)
            {
                Add(s.Chat, s.Send, s.At.UtcTicks, s.Failed ? 0 : s.Fingerprint, _window);
                if (s.Failed)
                {
                    _ring[(_head + _count - 1) % _ring.Length].Failed = true;
                    _failed++;
                }
            }
        }
    }
}
