using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>Lists recent chats safely (acceptance criterion 1): metadata only, never message bodies. The library's own is <c>ChatDirectory</c>.</summary>
public interface IChatDirectory
{
    /// <summary>How many chats a listing shows when the caller does not say.</summary>
    const int DefaultLimit = 20;

    /// <summary>Lists recent chats, most recent first, with each chat's service status.</summary>
    /// <param name="limit">How many; clamped to 1–200.</param>
    /// <param name="includeGroups">Whether groups, broadcasts and newsletters are listed too.</param>
    /// <param name="cancellationToken">Cancels the host's recent-chat lookup.</param>
    ValueTask<IReadOnlyList<ChatListing>> ListAsync(int limit = DefaultLimit, bool includeGroups = false, CancellationToken cancellationToken = default);
}
