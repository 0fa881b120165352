using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Drafts decided in the last <see cref="Retention"/>, so approving one answers <c>draft_already_decided</c> rather than
/// <c>unknown_draft</c>: their ids only, packed (about 40 bytes each), never the draft. The draft itself leaves memory
/// when it is decided (or, when approved, once its send is reported); history keeps everything.
/// </summary>
internal sealed class DecidedDrafts
{
    /// <summary>How long a decided draft is remembered (the same window that reserves its handle).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private readonly Dictionary<UInt128, Decision> _packed = [];
    private readonly Dictionary<string, Decision> _other = new(StringComparer.Ordinal); // ids of another shape (older logs, tests)

    public int Count
    {
        get
        {
            lock (_packed)
            {
                return _packed.Count + _other.Count;
            }
        }
    }

    public void Remember(string id, DateTimeOffset decidedAt, DraftState state)
    {
        var decision = new Decision(decidedAt.UtcTicks, state);
        lock (_packed)
        {
            if (CompactKeys.TryPackDraftId(id, out var packed))
            {
                _packed[packed] = decision;
            }
            else
            {
                _other[id] = decision;
            }
        }
    }

    public void Forget(string id)
    {
        lock (_packed)
        {
            if (CompactKeys.TryPackDraftId(id, out var packed))
            {
                _packed.Remove(packed);
            }
            else
            {
                _other.Remove(id);
            }
        }
    }

    public bool IsDecided(string id) => TryGet(id, out _);

    /// <summary>How a remembered draft was decided (an expired one answers <c>draft_expired</c>, the others <c>draft_already_decided</c>).</summary>
    public bool TryGet(string id, out DraftState state)
    {
        lock (_packed)
        {
            var found = CompactKeys.TryPackDraftId(id, out var packed) ? _packed.TryGetValue(packed, out var decision) : _other.TryGetValue(id, out decision);
            state = decision.State;
            return found;
        }
    }

    /// <summary>Forgets drafts decided more than <see cref="Retention"/> ago.</summary>
    public int Prune(DateTimeOffset now)
    {
        var cutoff = now.UtcTicks - Retention.Ticks;
        lock (_packed)
        {
            var before = _packed.Count + _other.Count;
            foreach (var (key, decision) in _packed)
            {
                if (decision.Ticks < cutoff)
                {
                    _packed.Remove(key);
                }
            }

            foreach (var (key, decision) in _other)
            {
                if (decision.Ticks < cutoff)
                {
                    _other.Remove(key);
                }
            }

            return before - _packed.Count - _other.Count;
        }
    }

    /// <summary>Every remembered id with its decision time, for a snapshot.</summary>
    public List<(string Id, long Ticks, DraftState State)> Export()
    {
        lock (_packed)
        {
            var all = new List<(string, long, DraftState)>(_packed.Count + _other.Count);
            foreach (var (key, decision) in _packed)
            {
                all.Add((CompactKeys.UnpackDraftId(key), decision.Ticks, decision.State));
            }

            foreach (var (key, decision) in _other)
            {
                all.Add((key, decision.Ticks, decision.State));
            }

            return all;
        }
    }

    private readonly record struct Decision(long Ticks, DraftState State);
}
