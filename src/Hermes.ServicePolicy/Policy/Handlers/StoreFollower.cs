using System;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Several processes on one shared store (docs/several-processes.md): applies what other processes append as the store
/// announces it, so inbound decisions on the local view lag by little. Decisions that change state never rely on it:
/// they are appended at the position they were decided on and made again after a conflict (the unit of work).
/// </summary>
internal sealed class StoreFollower : IAsyncDisposable
{
    private readonly PolicyCore _core;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public StoreFollower(PolicyCore core) => _core = core;

    /// <summary>Starts following (shared stores only).</summary>
    public void Start()
    {
        if (_core.Shared)
        {
            _running = Task.Run(() => FollowAsync(_stop.Token));
        }
    }

    /// <summary>Stops following and waits for the follower to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _core.Store.WaitForAppendAsync(_core.Journal.Position, cancellationToken).ConfigureAwait(false);
                await _core.Work.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Reported and retried: a store that is down comes back; decisions that change state fail closed meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _core.Report("store_follow", ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _core.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
