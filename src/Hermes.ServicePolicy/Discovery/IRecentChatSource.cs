using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>The host's list of recent WhatsApp chats (for example the bridge's <c>GET /chats</c>). The host implements it.</summary>
public interface IRecentChatSource
{
    /// <summary>Gets up to <paramref name="limit"/> recent chats, in any order.</summary>
    ValueTask<IReadOnlyList<RecentChat>> GetRecentChatsAsync(int limit, CancellationToken cancellationToken = default);
}
