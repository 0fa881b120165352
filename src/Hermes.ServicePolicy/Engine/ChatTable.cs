using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Threading;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// One slot per chat with runtime state, keyed by its primary identity. A slot holds the chat's immutable
/// <see cref="ChatRecord"/> (replaced atomically on every change, read without a lock) and one mutable flag: whether
/// an autonomous send waits for a reply. The flag lets the inbound hot path reset the consecutive-sends counter
/// with the same lookup that found the record, instead of asking the rate limiter on every message.
/// </summary>
/// <remarks>
/// The table is the inbound hot path's one lookup, so it is an open-addressed array of slots rather than a
/// <c>ConcurrentDictionary</c>: a read is the array, the slot (which holds its own key) and the record, three dependent
/// loads where the dictionary took six (tables, buckets, node, value). Reads take no lock. Writes take one, so the
/// table does not rely on its callers being serialised: a slot is published whole by one reference write, a removed
/// slot leaves a tombstone (so probes that pass it still reach later slots), and growing or clearing tombstones builds
/// a new array and publishes it whole. A reader holding the previous array sees the table as it was a moment earlier;
/// the slots themselves are shared, so a record replaced since is seen through either.
/// </remarks>
internal sealed class ChatTable
{
    private const int MinimumCapacity = 16;

    // Marks a removed slot. Its key is default(ChatId), which no stored chat has; lookups also test the reference.
    private static readonly ChatSlot Removed = new(default, null!);

    private readonly object _writeLock = new();
    private ChatSlot?[] _entries = new ChatSlot?[MinimumCapacity];
    private int _count;
    private int _used; // live slots and tombstones: kept at or under half the array, so every probe meets a null

    public int Count => Volatile.Read(ref _count);

    public bool TryGetSlot(ChatId chat, [NotNullWhen(true)] out ChatSlot? slot)
    {
        var entries = _entries;
        var mask = entries.Length - 1;
        var i = IndexOf(chat, mask);
        while (true)
        {
            var entry = entries[i];
            if (entry is null)
            {
                slot = null;
                return false;
            }

            if (entry.Chat.Equals(chat) && !ReferenceEquals(entry, Removed))
            {
                slot = entry;
                return true;
            }

            i = (i + 1) & mask;
        }
    }

    public bool TryGetValue(ChatId chat, [NotNullWhen(true)] out ChatRecord? record)
    {
        if (TryGetSlot(chat, out var slot))
        {
            record = slot.Record;
            return true;
        }

        record = null;
        return false;
    }

    public bool ContainsKey(ChatId chat) => TryGetSlot(chat, out _);

    /// <summary>Sets a chat's record, adding its slot when it has none.</summary>
    public ChatRecord this[ChatId chat]
    {
        set
        {
            lock (_writeLock)
            {
                if (TryGetSlot(chat, out var slot))
                {
                    slot.Record = value;
                    return;
                }

                if ((_used + 1) * 2 > _entries.Length)
                {
                    Rebuild(_count + 1);
                }

                var entries = _entries;
                var mask = entries.Length - 1;
                var i = IndexOf(chat, mask);
                while (entries[i] is { } taken && !ReferenceEquals(taken, Removed))
                {
                    i = (i + 1) & mask;
                }

                if (entries[i] is null)
                {
                    _used++;
                }

                Volatile.Write(ref entries[i], new ChatSlot(chat, value));
                Volatile.Write(ref _count, _count + 1);
            }
        }
    }

    public bool TryRemove(ChatId chat, [NotNullWhen(true)] out ChatSlot? slot)
    {
        lock (_writeLock)
        {
            var entries = _entries;
            var mask = entries.Length - 1;
            for (var i = IndexOf(chat, mask); entries[i] is { } entry; i = (i + 1) & mask)
            {
                if (entry.Chat.Equals(chat) && !ReferenceEquals(entry, Removed))
                {
                    Volatile.Write(ref entries[i], Removed);
                    Volatile.Write(ref _count, _count - 1);
                    slot = entry;
                    return true;
                }
            }

            slot = null;
            return false;
        }
    }

    /// <summary>The chats and their records, read from the array as it is when the enumeration starts.</summary>
    public IEnumerable<KeyValuePair<ChatId, ChatRecord>> Records()
    {
        var entries = Volatile.Read(ref _entries);
        for (var i = 0; i < entries.Length; i++)
        {
            if (Volatile.Read(ref entries[i]) is { } entry && !ReferenceEquals(entry, Removed))
            {
                yield return new KeyValuePair<ChatId, ChatRecord>(entry.Chat, entry.Record);
            }
        }
    }

    /// <summary>Marks that an autonomous send in the chat waits for a reply (only chats with a slot; others are asked directly).</summary>
    public void MarkAwaitingReply(ChatId chat)
    {
        if (TryGetSlot(chat, out var slot))
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }
    }

    // Fibonacci hashing over the chat's own hash: the top bits of the product index an array of 2^k slots.
    private static int IndexOf(ChatId chat, int mask)
        => (int)(((uint)chat.GetHashCode() * 0x9E3779B9u) >> BitOperations.LeadingZeroCount((uint)mask));

    // Copies the live slots into an array where they fill at most a third, without tombstones, and publishes it whole.
    private void Rebuild(int live)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)System.Math.Max(MinimumCapacity, live * 3));
        var entries = new ChatSlot?[capacity];
        var mask = capacity - 1;
        foreach (var entry in _entries)
        {
            if (entry is null || ReferenceEquals(entry, Removed))
            {
                continue;
            }

            var i = IndexOf(entry.Chat, mask);
            while (entries[i] is not null)
            {
                i = (i + 1) & mask;
            }

            entries[i] = entry;
        }

        _used = _count;
        Volatile.Write(ref _entries, entries);
    }
}

/// <summary>The runtime state of one chat; see <see cref="ChatTable"/>.</summary>
internal sealed class ChatSlot
{
    private ChatRecord _record;

    /// <summary>
    /// 1 when an autonomous send may have left the consecutive-sends counter above zero. A new slot starts at 1: the
    /// chat may have made autonomous sends before it had a slot (a configured chat before its first operator action),
    /// and the first reply must reach the limiter to reset them. A wrong 1 costs one lookup; a wrong 0 a lost reset.
    /// </summary>
    public int AwaitingReply = 1;

    /// <summary>The default rate limiter's counters for this chat, cached to spare the send path a lookup.</summary>
    public object? LimiterState;

    public ChatSlot(ChatId chat, ChatRecord record)
    {
        Chat = chat;
        _record = record;
    }

    /// <summary>The chat's primary identity: the slot's key in <see cref="ChatTable"/>.</summary>
    public ChatId Chat { get; }

    public ChatRecord Record
    {
        get => Volatile.Read(ref _record);
        set => Volatile.Write(ref _record, value);
    }
}
