using System.Collections.Generic;
using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// Short draft handles an owner can type on a phone (<c>K7QM</c>): 4 characters from an alphabet without look-alikes
/// (no <c>0/O</c>, <c>1/I/L</c>, <c>U/V</c>), 5 and then 6 on a collision, from a cryptographic generator. A handle
/// never names another draft while either is pending or was decided in the last <see cref="Reserved"/>. Handles are
/// written in the draft's event, so they survive a restart; matching is NFKC and case-insensitive.
/// </summary>
internal sealed class DraftHandles
{
    /// <summary>The characters of a handle.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>How long a decided draft keeps its handle to itself.</summary>
    public static readonly TimeSpan Reserved = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<string, Entry> _byHandle = new(StringComparer.Ordinal);

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
            if (!_byHandle.TryGetValue(handle, out var taken) || taken.DecidedAt is { } decided && now - decided > Reserved)
            {
                return handle;
            }
        }
    }

    /// <summary>The draft id a typed handle names, if any (NFKC, case-insensitive, invisible characters ignored).</summary>
    public string? Find(string typed)
    {
        return _byHandle.TryGetValue(UnicodeText.FoldTyped(typed), out var entry) ? entry.DraftId : null;
    }

    public void Drafted(string handle, string draftId) => _byHandle[handle] = new Entry(draftId, null);

    public void Decided(string handle, DateTimeOffset at)
    {
        if (_byHandle.TryGetValue(handle, out var entry))
        {
            _byHandle[handle] = entry with { DecidedAt = at };
        }
    }

    public void Reopened(string handle, string draftId) => _byHandle[handle] = new Entry(draftId, null);

    /// <summary>Frees handles of drafts decided more than <see cref="Reserved"/> ago.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var (handle, entry) in _byHandle)
        {
            if (entry.DecidedAt is { } decided && now - decided > Reserved)
            {
                _byHandle.TryRemove(handle, out _);
            }
        }
    }

    /// <summary>Every handle in use or reserved, for a snapshot.</summary>
    public IEnumerable<(string Handle, string DraftId, DateTimeOffset? DecidedAt)> Export()
    {
        foreach (var (handle, entry) in _byHandle)
        {
            yield return (handle, entry.DraftId, entry.DecidedAt);
        }
    }

    /// <summary>Restores a handle from a snapshot.</summary>
    public void Import(string handle, string draftId, DateTimeOffset? decidedAt) => _byHandle[handle] = new Entry(draftId, decidedAt);

    private sealed record Entry(string DraftId, DateTimeOffset? DecidedAt);
}
