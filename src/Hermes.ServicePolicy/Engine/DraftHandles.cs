using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Short draft handles an owner can type on a phone (<c>K7QM</c>): 4 characters from an alphabet without look-alikes
/// (no <c>0/O</c>, <c>1/I/L</c>, <c>U/V</c>), 5 and then 6 on a collision, from a cryptographic generator. A handle
/// never names another draft while either is pending or was decided in the last <see cref="Reserved"/>. Handles are
/// written in the draft's event, so they survive a restart; matching is NFKC and case-insensitive. Kept packed
/// (a number for the handle, 128 bits for the draft id): a handle reserved for a decided draft costs about 40 bytes.
/// </summary>
internal sealed class DraftHandles
{
    /// <summary>The characters of a handle.</summary>
    public const string Alphabet = CompactKeys.HandleAlphabet;

    /// <summary>How long a decided draft keeps its handle to itself.</summary>
    public static readonly TimeSpan Reserved = TimeSpan.FromDays(30);

    private readonly Dictionary<int, Entry> _byHandle = [];
    private readonly Dictionary<string, (string DraftId, long DecidedTicks)> _other = new(StringComparer.Ordinal); // shapes that do not pack

    /// <summary>A new handle, unique as the type says. Called inside the journal's gate.</summary>
    public string New(DateTimeOffset now)
    {
        Span<char> buffer = stackalloc char[6];
        for (var attempt = 0; ; attempt++)
        {
            var length = attempt switch { 0 => 4, 1 => 5, _ => 6 };
            for (var i = 0; i < length; i++)
            {
                buffer[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            var handle = buffer[..length].ToString();
            if (TryGet(handle, out _, out var decidedTicks) is false || (decidedTicks != 0 && now.UtcTicks - decidedTicks > Reserved.Ticks))
            {
                return handle;
            }
        }
    }

    /// <summary>The draft id a typed handle names, if any (NFKC, case-insensitive, invisible characters ignored).</summary>
    public string? Find(string typed) => TryGet(UnicodeText.FoldTyped(typed), out var id, out _) ? id : null;

    public void Drafted(string handle, string draftId) => Set(handle, draftId, 0);

    public void Decided(string handle, DateTimeOffset at)
    {
        if (TryGet(handle, out var id, out _))
        {
            Set(handle, id!, at.UtcTicks);
        }
    }

    public void Reopened(string handle, string draftId) => Set(handle, draftId, 0);

    /// <summary>Frees handles of drafts decided more than <see cref="Reserved"/> ago.</summary>
    public void Prune(DateTimeOffset now)
    {
        var cutoff = now.UtcTicks - Reserved.Ticks;
        lock (_byHandle)
        {
            foreach (var (handle, entry) in _byHandle)
            {
                if (entry.DecidedTicks != 0 && entry.DecidedTicks < cutoff)
                {
                    _byHandle.Remove(handle);
                }
            }

            foreach (var (handle, entry) in _other)
            {
                if (entry.DecidedTicks != 0 && entry.DecidedTicks < cutoff)
                {
                    _other.Remove(handle);
                }
            }
        }
    }

    /// <summary>Every handle in use or reserved, for a snapshot.</summary>
    public List<(string Handle, string DraftId, DateTimeOffset? DecidedAt)> Export()
    {
        lock (_byHandle)
        {
            var all = new List<(string, string, DateTimeOffset?)>(_byHandle.Count + _other.Count);
            foreach (var (handle, entry) in _byHandle)
            {
                all.Add((CompactKeys.UnpackHandle(handle), entry.DraftId(), At(entry.DecidedTicks)));
            }

            foreach (var (handle, (id, ticks)) in _other)
            {
                all.Add((handle, id, At(ticks)));
            }

            return all;
        }
    }

    /// <summary>Restores a handle from a snapshot.</summary>
    public void Import(string handle, string draftId, DateTimeOffset? decidedAt) => Set(handle, draftId, decidedAt?.UtcTicks ?? 0);

    private static DateTimeOffset? At(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private bool TryGet(string handle, out string? draftId, out long decidedTicks)
    {
        lock (_byHandle)
        {
            if (CompactKeys.TryPackHandle(handle, out var key) && _byHandle.TryGetValue(key, out var entry))
            {
                (draftId, decidedTicks) = (entry.DraftId(), entry.DecidedTicks);
                return true;
            }

            if (_other.TryGetValue(handle, out var other))
            {
                (draftId, decidedTicks) = other;
                return true;
            }

            (draftId, decidedTicks) = (null, 0);
            return false;
        }
    }

    private void Set(string handle, string draftId, long decidedTicks)
    {
        lock (_byHandle)
        {
            if (CompactKeys.TryPackHandle(handle, out var key) && CompactKeys.TryPackDraftId(draftId, out var id))
            {
                _byHandle[key] = new Entry(id, decidedTicks);
                _other.Remove(handle);
            }
            else
            {
                if (CompactKeys.TryPackHandle(handle, out var stale))
                {
                    _byHandle.Remove(stale);
                }

                _other[handle] = (draftId, decidedTicks);
            }
        }
    }

    /// <summary>A handle's draft (packed) and when it was decided (0 while pending).</summary>
    private readonly record struct Entry(UInt128 Id, long DecidedTicks)
    {
        public string DraftId() => CompactKeys.UnpackDraftId(Id);
    }
}
