using System;
using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace Hermes.ServicePolicy.Identity;

/// <summary>The outcome of <see cref="ChatAliasRegistry.TryLink"/>.</summary>
internal enum AliasLinkOutcome
{
    /// <summary>The phone JID and the LID are now one chat.</summary>
    Linked = 0,

    /// <summary>The two were already linked to each other; nothing changed.</summary>
    AlreadyLinked = 1,

    /// <summary>The pair is not one phone JID and one LID (phone+phone, LID+LID, or a group).</summary>
    InvalidPair = 2,

    /// <summary>One of the two is already linked to another chat; links are never moved.</summary>
    Conflict = 3,
}

/// <summary>
/// Links a phone JID and a LID as aliases of one chat, only when the host says so (for example from Baileys'
/// <c>remoteJidAlt</c>). A link is one phone and one LID; once made it is never moved, so an attacker cannot
/// re-point an approved phone number at another LID. Reads are lock-free; links are serialised.
/// The registry holds no durable state of its own: the policy persists each link as an <c>alias_linked</c> event
/// and rebuilds the registry from its log.
/// </summary>
internal sealed class ChatAliasRegistry
{
    private readonly ConcurrentDictionary<ChatId, ChatId> _other = new();
    private readonly object _writeLock = new();

    // Written under the lock after both entries: a reader that sees no links skips the lookup (most policies have none).
    private int _links;

    /// <summary>Gets the number of links.</summary>
    public int Count => Volatile.Read(ref _links);

    /// <summary>Gets the other identity linked to <paramref name="chat"/>, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetAlias(ChatId chat, out ChatId alias)
    {
        if (Volatile.Read(ref _links) == 0)
        {
            alias = default;
            return false;
        }

        return _other.TryGetValue(chat, out alias);
    }

    /// <summary>
    /// Gets the identity that names the chat: its phone JID when one is known, otherwise the chat itself. Allocation-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ChatId GetPrimary(ChatId chat)
        => chat.Kind == ChatKind.Lid && TryGetAlias(chat, out var phone) ? phone : chat;

    /// <summary>Links a phone JID and a LID (in either order).</summary>
    public AliasLinkOutcome TryLink(ChatId first, ChatId second)
    {
        if (!IsPair(first, second, out var phone, out var lid))
        {
            return AliasLinkOutcome.InvalidPair;
        }

        lock (_writeLock)
        {
            var phoneLinked = _other.TryGetValue(phone, out var phonesLid);
            var lidLinked = _other.TryGetValue(lid, out var lidsPhone);
            if (phoneLinked && lidLinked && phonesLid == lid && lidsPhone == phone)
            {
                return AliasLinkOutcome.AlreadyLinked;
            }

            if (phoneLinked || lidLinked)
            {
                return AliasLinkOutcome.Conflict;
            }

            // The LID entry goes in last: readers that map LID -> phone only see complete links.
            _other[phone] = lid;
            _other[lid] = phone;
            Volatile.Write(ref _links, _links + 1);
            return AliasLinkOutcome.Linked;
        }
    }

    /// <summary>Says whether the two form a linkable pair (one phone JID, one LID) and orders them.</summary>
    public static bool IsPair(ChatId first, ChatId second, out ChatId phone, out ChatId lid)
    {
        (phone, lid) = (first.Kind, second.Kind) switch
        {
            (ChatKind.Phone, ChatKind.Lid) => (first, second),
            (ChatKind.Lid, ChatKind.Phone) => (second, first),
            _ => (default, default),
        };
        return !phone.IsEmpty;
    }

    /// <summary>Lists every link as (phone, LID), in no particular order.</summary>
    public IReadOnlyList<(ChatId Phone, ChatId Lid)> GetLinks()
    {
        var links = new List<(ChatId, ChatId)>(Count);
        foreach (var pair in _other)
        {
            if (pair.Key.Kind == ChatKind.Phone)
            {
                links.Add((pair.Key, pair.Value));
            }
        }

        return links;
    }
}
