using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>
/// A recent-chat source the host fills itself (from transport events, or in tests). <see cref="Replace"/> swaps
/// the whole list atomically; readers never see a half-updated list.
/// </summary>
public sealed class InMemoryRecentChatSource : IRecentChatSource
{
    private RecentChat[] _chats = [];

    /// <summary>Replaces the list.</summary>
    public void Replace(IEnumerable<RecentChat> chats)
    {
        ArgumentNullException.ThrowIfNull(chats);
        Volatile.Write(ref _chats, [.. chats]);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecentChat>> GetRecentChatsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var chats = Volatile.Read(ref _chats);
        IReadOnlyList<RecentChat> result = chats.Length <= limit ? chats : chats[..Math.Max(limit, 0)];
        return new ValueTask<IReadOnlyList<RecentChat>>(result);
    }
}
