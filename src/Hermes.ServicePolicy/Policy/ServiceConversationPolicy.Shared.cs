using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Several processes on one shared store (docs/several-processes.md): every change is appended at the position it was
/// decided on; when another process got there first the store answers with a conflict, the journal reads what it
/// missed, and the decision is made again on the new state, so the processes decide as one would. A follower applies
/// what other processes append as the store pushes it, so inbound decisions on the local view lag by little.
/// </summary>
public sealed partial class ServiceConversationPolicy
{
    /// <summary>How often a decision is made again after a conflict before it answers <c>policy_unavailable</c>.</summary>
    public const int MaxConflictRetries = 32;

    private readonly bool _shared;
    private readonly CancellationTokenSource _stopFollowing = new();
    private Task _follower = Task.CompletedTask;

    /// <summary>Makes a decision; while it lost a race with another process, makes it again on the state that won.</summary>
    private async ValueTask<T> RetryOnConflictAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, Func<T, Exception?> errorOf, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var result = await attempt(cancellationToken).ConfigureAwait(false);
            if (round >= MaxConflictRetries || errorOf(result) is not StateConflictException)
            {
                return result;
            }

            _metrics.Conflict();
        }
    }

    /// <summary>
    /// Like <see cref="RetryOnConflictAsync"/>; and when the answer is "not found" (a send or draft this process has not
    /// heard of) with a shared store, reads what other processes wrote and decides once more: a confirmation or an
    /// approval may come from any process, before the push has arrived.
    /// </summary>
    private async ValueTask<T> WithCatchUpAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, Func<T, Exception?> errorOf, Func<T, bool> notFound, CancellationToken cancellationToken)
    {
        var result = await RetryOnConflictAsync(attempt, errorOf, cancellationToken).ConfigureAwait(false);
        if (!_shared || !notFound(result))
        {
            return result;
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _journal.Exit();
        }

        // Decided again even when this catch-up found nothing new: the follower may have applied it since the first answer.
        return await RetryOnConflictAsync(attempt, errorOf, cancellationToken).ConfigureAwait(false);
    }

    // In their own methods, so the one store that never conflicts does not pay for the closures on its slow paths.
    private ValueTask<InboundDecision> DecideInboundSharedAsync(InboundMessage message, CancellationToken cancellationToken)
        => RetryOnConflictAsync(ct => DecideInboundCoreAsync(message, ct), static d => d.Error, cancellationToken);

    private ValueTask<OutboundDecision> DecideOutboundSharedAsync(OutboundRequest request, CancellationToken cancellationToken)
        => RetryOnConflictAsync(ct => DecideOutboundCoreAsync(request, ct), static d => d.Error, cancellationToken);

    private ValueTask<OutboundDecision> ApproveDraftSharedAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken)
        => WithCatchUpAsync(ct => ApproveDraftOnceAsync(draft, approvedBy, ct), static d => d.Error, static d => d.Reason == ReasonCode.UnknownDraft, cancellationToken);

    private ValueTask<OperatorResult> RejectDraftSharedAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken)
        => WithCatchUpAsync(ct => RejectDraftOnceAsync(draft, rejectedBy, ct), static r => r.Error, static r => r.Reason == ReasonCode.UnknownDraft, cancellationToken);

    private ValueTask<OperatorResult> ConfirmSendSharedAsync(SendId send, SendReport report, CancellationToken cancellationToken)
        => WithCatchUpAsync(ct => ConfirmSendOnceAsync(send, report, ct), static r => r.Error, static r => r.Reason == ReasonCode.UnknownSend, cancellationToken);

    private ValueTask<OperatorResult> LinkAliasSharedAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken)
        => RetryOnConflictAsync(ct => LinkAliasOnceAsync(chat, otherChat, linkedBy, ct), static r => r.Error, cancellationToken);

    private ValueTask<OperatorResult> OperateSharedAsync(ChatId chat, string requestedActor, ChatAction decide, CancellationToken cancellationToken)
        => RetryOnConflictAsync(ct => OperateOnceAsync(chat, requestedActor, decide, ct), static r => r.Error, cancellationToken);

    /// <summary>Starts applying other processes' changes as the store announces them (shared stores only).</summary>
    private void StartFollowing()
    {
        if (_shared)
        {
            _follower = Task.Run(() => FollowAsync(_stopFollowing.Token));
        }
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _store.WaitForAppendAsync(_journal.Position, cancellationToken).ConfigureAwait(false);
                await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _journal.Exit();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Reported and retried: a store that is down comes back; decisions that change state fail closed meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Report("store_follow", ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async ValueTask StopFollowingAsync()
    {
        await _stopFollowing.CancelAsync().ConfigureAwait(false);
        await _follower.ConfigureAwait(false);
        _stopFollowing.Dispose();
    }
}
