using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Checks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Engine.Snapshots;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The parts every handler of the policy stands on, built once from the builder's <see cref="PolicyParts"/>: the store,
/// the state projection, the journal and the unit of work over it, the configuration in force, the rate limiter, the
/// batched bookkeeping (counters, snapshots, audit outbox) and the instruments. Handlers read it; only the journal's
/// commits (through <see cref="ChangeScope"/>) change state.
/// </summary>
internal sealed class PolicyCore : IAsyncDisposable
{
    private readonly IDisposable? _ownedStore;
    private readonly Action<PolicyFailure>? _onFailure;

    public PolicyCore(PolicyParts parts)
    {
        Store = parts.Store;
        _ownedStore = parts.OwnedStore;
        _onFailure = parts.OnFailure;
        Limiter = parts.Limiter;
        LimiterState = parts.LimiterState;
        Time = parts.Time;
        Jitter = new SendJitter(parts.Random);
        HostChecks = new HostCheckRunner(parts.OutboundChecks, parts.CheckTimeout, Time, Report);
        NationalNumbers = parts.NationalNumbers;
        Shared = parts.Store.IsShared;
        Metrics = new PolicyMetrics(parts.MeterFactory);
        Tracing = PolicyTracing.Create(parts.Tracing);
        State = new StateProjection(Limiter, LimiterState) { CountsSendsFromLog = Shared };
        Outbox = new AuditOutbox(parts.Sinks, Time, Report);
        Journal = new Journal(Store, State, Outbox, Metrics.Committed, Report) { Tracing = Tracing };
        Work = new UnitOfWork(Journal, Settings, Time, Shared, Report, Metrics.Conflict);
        Checkpoints = new CounterCheckpointer(Journal, State, LimiterState, Time, Report) { Shared = Shared };
        Snapshots = new Snapshotter(Journal, State, LimiterState, Store, Time, Report) { MinimumEvents = parts.SnapshotEvents };
        Journal.Committed = Snapshots.OnCommitted;
    }

    public IServiceStateStore Store { get; }

    public StateProjection State { get; }

    public Journal Journal { get; }

    public UnitOfWork Work { get; }

    /// <summary>Gets the configuration in force (swapped only by a committed <c>policy_loaded</c>).</summary>
    public ConfigurationSlot Settings { get; } = new();

    /// <summary>The random source of <c>send_jitter_seconds</c>.</summary>
    public SendJitter Jitter { get; }

    /// <summary>The host's checks before a message leaves, in registration order (often none).</summary>
    public HostCheckRunner HostChecks { get; }

    public IRateLimiter Limiter { get; }

    /// <summary>Gets the limiter's part that is saved and restored with the policy's state (nothing for a host's own limiter).</summary>
    public IRateLimiterState LimiterState { get; }

    public TimeProvider Time { get; }

    public INationalNumberParser? NationalNumbers { get; }

    /// <summary>Gets whether other processes write to the same store.</summary>
    public bool Shared { get; }

    public PolicyMetrics Metrics { get; }

    /// <summary>Gets the policy's activity source, or null when the host turned tracing off.</summary>
    public System.Diagnostics.ActivitySource? Tracing { get; }

    /// <summary>Gets whether a decision now should be traced (someone listens to this policy's source).</summary>
    public bool Traced
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Tracing is { } source && source.HasListeners();
    }

    public AuditOutbox Outbox { get; }

    public CounterCheckpointer Checkpoints { get; }

    public Snapshotter Snapshots { get; }

    /// <summary>Reports a failure to the host's handler; a failing handler never turns a closed answer into an exception.</summary>
    public void Report(string operation, Exception exception)
    {
        try
        {
            _onFailure?.Invoke(new PolicyFailure(operation, exception));
        }
#pragma warning disable CA1031 // A failing failure handler must not turn a closed answer into an exception.
        catch
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Whether the chat (under any alias) is one of the owner's operator chats.</summary>
    public bool IsOperatorChat(ChatId primary, PolicyConfiguration configuration)
    {
        State.Aliases.TryGetAlias(primary, out var alias);
        return configuration.IsOperator(primary, alias);
    }

    // Permits are numbered in this process's epoch, fixed by its first committed change (a configuration always is one).
    public static InvalidOperationException NoEpoch() => new("No change has been committed by this process, so it cannot number send permits.");

    /// <summary>Rebuilds state from the store's log. Once, before any decision.</summary>
    public ValueTask LoadAsync(CancellationToken cancellationToken)
        => Journal.LoadAsync(snapshot => ProjectionSnapshotReader.Restore(snapshot, State, LimiterState), cancellationToken);

    /// <summary>Saves what is batched, takes the last snapshot, drains the audit sinks and closes a store the builder opened.</summary>
    public async ValueTask DisposeAsync()
    {
        await Checkpoints.DisposeAsync().ConfigureAwait(false);
        await Snapshots.Last.ConfigureAwait(false);
        await Snapshots.TakeAsync(CancellationToken.None).ConfigureAwait(false); // the next start-up reads it and nothing more
        await Outbox.DisposeAsync().ConfigureAwait(false);
        _ownedStore?.Dispose(); // closes files: nothing to wait for
        Journal.Dispose();
        Metrics.Dispose();
        Tracing?.Dispose();
    }
}
