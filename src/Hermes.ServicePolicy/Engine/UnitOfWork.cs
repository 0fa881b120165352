using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The one shape of every change (docs/architecture.md, "The unit of work"): enter the journal's gate, read the clock
/// once, decide on the configuration of that moment, commit, leave the gate. A clock that fails is reported and answered
/// closed by the caller's <c>clockFailed</c>. With a shared store, a decision that lost a race with another process is
/// made again on the state that won (up to <see cref="MaxConflictRetries"/> times), and a "not found" first catches up
/// on what the other processes wrote, once.
/// </summary>
/// <remarks>
/// Decisions are static lambdas over an argument tuple: no closure is allocated, and with a store that never conflicts a
/// decision is one gate entry and nothing more (no retry loop, no extra state machine).
/// </remarks>
internal sealed class UnitOfWork
{
    /// <summary>How often a decision is made again after a conflict before its answer (<c>policy_unavailable</c>) stands.</summary>
    public const int MaxConflictRetries = 32;

    private readonly Journal _journal;
    private readonly ConfigurationSlot _configuration;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _report;
    private readonly Action _conflicted;

    public UnitOfWork(Journal journal, ConfigurationSlot configuration, TimeProvider time, bool shared, Action<string, Exception> report, Action conflicted)
    {
        _journal = journal;
        _configuration = configuration;
        _time = time;
        Shared = shared;
        _report = report;
        _conflicted = conflicted;
    }

    /// <summary>Gets whether other processes write to the same store (conflicts and catch-ups are possible).</summary>
    public bool Shared { get; }

    /// <summary>Reads the clock; a failure is reported and answered by failing closed.</summary>
    public bool TryNow(out DateTimeOffset now, out Exception? error)
    {
        try
        {
            now = _time.GetUtcNow();
            error = null;
            return true;
        }
#pragma warning disable CA1031 // Any clock failure is answered by failing closed, and reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _report("clock", ex);
            now = default;
            error = ex;
            return false;
        }
    }

    /// <summary>Decides once inside the gate, reading the clock there: no retry (bookkeeping, sweeps, shutdown, or an attempt of <see cref="RetryAsync"/>).</summary>
    public async ValueTask<T> RunAsync<TArg, T>(TArg arg, Func<ChangeScope, TArg, CancellationToken, ValueTask<T>> decide, Func<TArg, Exception, T> clockFailed, CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return TryNow(out var now, out var error)
                ? await decide(new ChangeScope(_journal, _configuration.Current, now), arg, cancellationToken).ConfigureAwait(false)
                : clockFailed(arg, error!);
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>Decides once inside the gate at a time the caller read already (the decision's one clock reading).</summary>
    public async ValueTask<T> RunAtAsync<TArg, T>(DateTimeOffset now, TArg arg, Func<ChangeScope, TArg, CancellationToken, ValueTask<T>> decide, CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await decide(new ChangeScope(_journal, _configuration.Current, now), arg, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>
    /// Decides inside the gate; with a shared store, again after a conflict, and (when <paramref name="catchUpWhenNotFound"/>)
    /// once more after reading what other processes wrote when the answer was "not found".
    /// </summary>
    public ValueTask<T> DecideAsync<TArg, T>(TArg arg, Func<ChangeScope, TArg, CancellationToken, ValueTask<T>> decide, Func<TArg, Exception, T> clockFailed, CancellationToken cancellationToken, bool catchUpWhenNotFound = false)
        where T : IPolicyResult
        => Shared
            ? RetryLoopAsync((Work: this, Arg: arg, Decide: decide, ClockFailed: clockFailed), static (a, ct) => a.Work.RunAsync(a.Arg, a.Decide, a.ClockFailed, ct), catchUpWhenNotFound, cancellationToken)
            : RunAsync(arg, decide, clockFailed, cancellationToken);

    /// <summary>
    /// Makes a whole attempt (which enters the gate itself, or answers without it) once; with a shared store, again
    /// while it lost a race, as <see cref="DecideAsync"/> does.
    /// </summary>
    public ValueTask<T> RetryAsync<TArg, T>(TArg arg, Func<TArg, CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken, bool catchUpWhenNotFound = false)
        where T : IPolicyResult
        => Shared ? RetryLoopAsync(arg, attempt, catchUpWhenNotFound, cancellationToken) : attempt(arg, cancellationToken);

    /// <summary>Applies what other processes appended since this one's position (a shared store), inside the gate.</summary>
    public async ValueTask<Exception?> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false); // a failure is reported by the journal
        }
        finally
        {
            _journal.Exit();
        }
    }

    private async ValueTask<T> RetryLoopAsync<TArg, T>(TArg arg, Func<TArg, CancellationToken, ValueTask<T>> attempt, bool catchUpWhenNotFound, CancellationToken cancellationToken)
        where T : IPolicyResult
    {
        var caughtUp = !catchUpWhenNotFound;
        for (var round = 1; ; round++)
        {
            var result = await attempt(arg, cancellationToken).ConfigureAwait(false);
            if (result.Error is StateConflictException && round < MaxConflictRetries)
            {
                _conflicted();
                continue;
            }

            if (!caughtUp && result.IsNotFound)
            {
                // Decided again even when the catch-up finds nothing new: the follower may have applied it since.
                caughtUp = true;
                await CatchUpAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            return result;
        }
    }
}

/// <summary>
/// What a decision inside the gate works with: the configuration and the time of that moment (the clock is read once,
/// by <see cref="UnitOfWork"/>), and the one way to change state, <see cref="CommitAsync(PolicyEvent[], CancellationToken)"/>. A value, so a decision
/// that awaits a flush (the gate let go meanwhile) keeps its own moment.
/// </summary>
internal readonly struct ChangeScope
{
    private readonly Journal _journal;

    public ChangeScope(Journal journal, PolicyConfiguration configuration, DateTimeOffset now)
    {
        _journal = journal;
        Configuration = configuration;
        Now = now;
    }

    /// <summary>Gets the configuration the decision is made on.</summary>
    public PolicyConfiguration Configuration { get; }

    /// <summary>Gets the decision's time: the only clock reading it uses.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Appends, applies and makes durable a batch as one fact (see <see cref="Journal.CommitAsync"/>). Returns the failure, or null.</summary>
    public ValueTask<Exception?> CommitAsync(PolicyEvent[] events, CancellationToken cancellationToken) => _journal.CommitAsync(events, cancellationToken);

    /// <summary>Appends one event (see <see cref="CommitAsync(PolicyEvent[], CancellationToken)"/>).</summary>
    public ValueTask<Exception?> CommitAsync(PolicyEvent change, CancellationToken cancellationToken) => _journal.CommitAsync([change], cancellationToken);
}
