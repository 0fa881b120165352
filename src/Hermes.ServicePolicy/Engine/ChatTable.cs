using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// One slot per chat with runtime state, keyed by its primary identity. A slot holds the chat's immutable
/// <see cref="ChatRecord"/> (replaced atomically on every change, read without a lock) and one mutable flag: whether
/// an autonomous send waits for a reply. The flag lets the inbound hot path reset the consecutive-sends counter
/// with the same lookup that found the record, instead of asking the rate limiter on every message.
/// </summary>
internal sealed class ChatTable
{
    private readonly ConcurrentDictionary<ChatId, ChatSlot> _slots = new();

    public int Count => _slots.Count;

    public bool TryGetSlot(ChatId chat, [NotNullWhen(true)] out ChatSlot? slot) => _slots.TryGetValue(chat, out slot);

    public bool TryGetValue(ChatId chat, [NotNullWhen(true)] out ChatRecord? record)
    {
        if (_slots.TryGetValue(chat, out var slot))
        {
            record = slot.Record;
            return true;
        }

        record = null;
        return false;
    }

    public bool ContainsKey(ChatId chat) => _slots.ContainsKey(chat);

    /// <summary>Sets a chat's record. Writers are serialised by the policy's gate.</summary>
    public ChatRecord this[ChatId chat]
    {
        set
        {
            if (_slots.TryGetValue(chat, out var slot))
            {
                slot.Record = value;
            }
            else
            {
                _slots[chat] = new ChatSlot(value);
            }
        }
    }

    public bool TryRemove(ChatId chat, [NotNullWhen(true)] out ChatSlot? slot) => _slots.TryRemove(chat, out slot);

    public IEnumerable<KeyValuePair<ChatId, ChatRecord>> Records()
    {
        foreach (var (chat, slot) in _slots)
        {
            yield return new KeyValuePair<ChatId, ChatRecord>(chat, slot.Record);
        }
    }

    /// <summary>Marks that an autonomous send in the chat waits for a reply (only chats with a slot; others are asked directly).</summary>
    public void MarkAwaitingReply(ChatId chat)
    {
        if (_slots.TryGetValue(chat, out var slot))
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }
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

    public ChatSlot(ChatRecord record) => _record = record;

    public ChatRecord Record
    {
        get => Volatile.Read(ref _record);
        set => Volatile.Write(ref _record, value);
    }
}
