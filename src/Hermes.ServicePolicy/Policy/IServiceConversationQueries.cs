using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>What the policy knows and how it is configured: statuses, pending drafts and sends, the sweep, reloads.</summary>
public interface IServiceConversationQueries
{
    /// <summary>Gets a chat's status and bound session.</summary>
    ChatStatus GetStatus(ChatId chat);

    /// <summary>Gets the drafts that wait for approval (expired ones excluded), oldest first.</summary>
    IReadOnlyList<DraftInfo> GetPendingDrafts();

    /// <summary>Gets the send permits that wait for the host's report, oldest first.</summary>
    IReadOnlyList<PendingSendInfo> GetPendingSends();

    /// <summary>
    /// Expires every pending draft past its time to live and closes every send not confirmed within
    /// <c>send_confirmation_minutes</c> as <c>send_unknown</c> (each audited once); writes the roll-up of blocked
    /// messages of a past hour. The Microsoft.Extensions package runs it in a hosted sweeper.
    /// </summary>
    /// <exception cref="System.InvalidOperationException">The store or the clock failed; nothing was changed.</exception>
    ValueTask<SweepResult> SweepAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the audit trail back from the store, oldest first, filtered by <paramref name="query"/>: every audit event,
    /// also those written before this process started. The file store reads its log from disk for each call.
    /// </summary>
    IAsyncEnumerable<State.PolicyEvent> ReadHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the log position (the <see cref="State.PolicyEvent.Sequence"/>) of the newest event this policy has applied:
    /// read history or notices after it (<see cref="HistoryQuery.AfterSequence"/>) to see only what comes next, without
    /// reading the history before it.
    /// </summary>
    long HistoryPosition { get; }

    /// <summary>
    /// Reads the notices for the owner from the log, oldest first, after the log position <paramref name="afterSequence"/>
    /// (the <see cref="Notices.OperatorNotice.Sequence"/> of the last one delivered; 0 for all): a new draft, an expired
    /// draft, a failed or unknown send. None is lost to a crash or to a time when no host listened.
    /// </summary>
    IAsyncEnumerable<Notices.OperatorNotice> ReadNoticesAsync(long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Applies a new configuration atomically (state is kept). An invalid one is refused and the one in force stays.</summary>
    ValueTask<ConfigurationResult> ApplyConfigurationAsync(ServiceConversationOptions options, CancellationToken cancellationToken = default);
}
