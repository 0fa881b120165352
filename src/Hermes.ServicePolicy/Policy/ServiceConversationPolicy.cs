using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Engine.Snapshots;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The default <see cref="IServiceConversationPolicy"/>. Build it with <see cref="ServiceConversationPolicyBuilder"/>.
/// </summary>
/// <remarks>
/// <para>
/// A façade over four parts (docs/architecture.md): the rules (pure functions of chat view, request, configuration and
/// now, in <c>Rules/</c>), the state projection (the tables and the one <c>Apply</c>), the journal (the gate, the log
/// position, append then apply then publish) and the audit outbox (sinks fed after the fact). State is event-sourced:
/// every change is a <see cref="PolicyEvent"/> appended to the <see cref="IServiceStateStore"/> first and applied to
/// memory second; a change whose append fails never takes effect (the caller gets
/// <see cref="ReasonCode.PolicyUnavailable"/>). Audit sinks are fed from a queue after the fact and never hold a
/// decision.
/// </para>
/// <para>
/// Reads are lock-free: the configuration is an immutable snapshot swapped atomically, chat records are immutable
/// values in a concurrent table. Changes are serialised by the journal's gate; the autonomous send path takes only its
/// chat's rate-limit lock and records its permit in a preallocated ring.
/// </para>
/// </remarks>
public sealed partial class ServiceConversationPolicy : IServiceConversationPolicy, IKnownChatSource, IAsyncDisposable
{
    /// <summary>The actor of changes the policy makes on its own (promotion, expiry, confirmations, alias links from the transport).</summary>
    public const string SystemActor = ActorNames.SystemActor;

    /// <summary>The actor of agent-initiated sends.</summary>
    public const string AgentActor = ActorNames.AgentActor;

    /// <summary>The actor of sends the operator asked the agent to make, when the request names no one.</summary>
    public const string OperatorActor = ActorNames.OperatorActor;

    /// <summary>The most <c>inbound_blocked</c> events written in one UTC clock hour, roll-ups included.</summary>
    public const int MaxInboundBlockedEventsPerHour = BlockLedger.MaxEventsPerHour;

    private readonly IServiceStateStore _store;
    private readonly IDisposable? _ownedStore;
    private readonly IRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly Action<PolicyFailure>? _onFailure;
    private readonly INationalNumberParser? _nationalNumbers;
    private readonly StateProjection _state;
    private readonly Journal _journal;
    private readonly AuditOutbox _outbox;
    private readonly CounterCheckpointer _checkpoints;
    private readonly Snapshotter _snapshots;
    private readonly PolicyMetrics _metrics;
    private PolicyConfiguration _configuration = ServiceConversationOptionsValidator.Defaults;
    private int _disposed;

    internal ServiceConversationPolicy(PolicyParts parts)
    {
        _store = parts.Store;
        _ownedStore = parts.OwnedStore;
        _limiter = parts.Limiter;
        _time = parts.Time;
        _onFailure = parts.OnFailure;
        _nationalNumbers = parts.NationalNumbers;
        _metrics = new PolicyMetrics(parts.MeterFactory);
        _shared = parts.Store.IsShared;
        _state = new StateProjection(_limiter) { CountsSendsFromLog = _shared };
        _outbox = new AuditOutbox(parts.Sinks, _time, Report);
        _journal = new Journal(_store, _state, _outbox, _metrics.Committed, Report);
        _checkpoints = new CounterCheckpointer(_journal, _state, _limiter, _time, Report) { Shared = _shared };
        _snapshots = new Snapshotter(_journal, _state, _limiter, _store, _time, Report) { MinimumEvents = parts.SnapshotEvents };
        _journal.Committed = _snapshots.OnCommitted;
        var directory = new ChatDirectory(parts.RecentChats, this);
        Directory = directory;
        Resolver = new ChatTargetResolver(directory, this, () => Volatile.Read(ref _configuration).National);
    }

    /// <summary>How often changed counters are checkpointed: at least once a second.</summary>
    public static TimeSpan CheckpointInterval => CounterCheckpointer.Interval;

    /// <inheritdoc />
    public IChatDirectory Directory { get; }

    /// <inheritdoc />
    public IChatTargetResolver Resolver { get; }

    /// <inheritdoc />
    public bool IsEnabled => Volatile.Read(ref _configuration).Enabled;

    /// <summary>Gets a copy of the configuration in force (the built-in defaults until one is applied).</summary>
    public ServiceConversationOptions Options => Volatile.Read(ref _configuration).Options.Clone();

    /// <summary>Gets the number of chats with runtime state.</summary>
    public int ChatCount => _state.Chats.Count;

    /// <summary>
    /// Stops the timers, writes the roll-up of blocked messages and the counters (a clean shutdown forgets nothing),
    /// gives the audit sinks a last chance to catch up, and closes a store the builder opened.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopFollowingAsync().ConfigureAwait(false);
        await FlushRollupsAtShutdownAsync().ConfigureAwait(false);
        await _checkpoints.DisposeAsync().ConfigureAwait(false);
        await _snapshots.Last.ConfigureAwait(false);
        await _snapshots.TakeAsync(CancellationToken.None).ConfigureAwait(false); // the next start-up reads it and nothing more
        await _outbox.DisposeAsync().ConfigureAwait(false);
        _ownedStore?.Dispose(); // closes files: nothing to wait for
        _journal.Dispose();
        _metrics.Dispose();
    }

    /// <summary>
    /// Saves the batched bookkeeping (rate-limit counters, suppressed block counts, open autonomous permits) now, and
    /// feeds the audit sinks what they have not had yet. Tests and shutdown hooks use it instead of waiting.
    /// </summary>
    /// <returns>Whether every audit sink has caught up.</returns>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _checkpoints.SaveAsync(force: true, cancellationToken).ConfigureAwait(false);
        return await _outbox.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets how many audit events wait for a sink that is behind (0 when every sink has caught up).</summary>
    public int AuditBacklog => _outbox.Backlog;

    /// <summary>Gets the configuration in force (the command processor reads the operator settings from it).</summary>
    internal PolicyConfiguration Configuration => Volatile.Read(ref _configuration);

    /// <summary>Gets the policy's clock.</summary>
    internal TimeProvider Time => _time;

    /// <summary>The draft a handle (<c>K7QM</c>, any case) or a full draft id names, or default.</summary>
    internal DraftId FindDraft(string handleOrId)
        => _state.Drafts.ContainsKey(handleOrId) || _state.Decided.IsDecided(handleOrId) ? new DraftId(handleOrId)
            : _state.Handles.Find(handleOrId) is { } id ? new DraftId(id) : default;

    /// <summary>How many chats are paused and revoked now.</summary>
    internal (int Paused, int Revoked) CountPausedAndRevoked()
    {
        int paused = 0, revoked = 0;
        foreach (var (_, record) in _state.Chats.Records())
        {
            paused += record is { IsService: true, Paused: true } ? 1 : 0;
            revoked += record.Revoked ? 1 : 0;
        }

        return (paused, revoked);
    }

    /// <summary>Gets how many blocked (chat, reason) pairs and blocked chats the policy remembers (tests of its memory bounds).</summary>
    internal (int Pairs, int Chats) BlockMemory => _state.Blocks.Size;

    /// <summary>Gets how many characters of draft text the policy keeps in memory (tests of its memory bounds).</summary>
    internal long RetainedDraftText
    {
        get
        {
            long total = 0;
            foreach (var draft in _state.Drafts.Values)
            {
                total += draft.Text.Length;
            }

            return total;
        }
    }

    /// <summary>Gets the checkpoint write the timer started last (for tests: an awaitable hook instead of a sleep).</summary>
    internal Task TimerCheckpoint => _checkpoints.TimerSave;

    /// <summary>Rebuilds state from the store's log. Called once by the builder, before any decision.</summary>
    internal async ValueTask LoadAsync(CancellationToken cancellationToken)
    {
        await _journal.LoadAsync(snapshot => ProjectionSnapshotReader.Restore(snapshot, _state, _limiter), cancellationToken).ConfigureAwait(false);
        StartFollowing();
    }

    /// <summary>
    /// Takes a snapshot of the whole state now (the store keeps the newest two), so the next start-up replays only what
    /// follows it. The policy takes them on its own in the background and at shutdown; hosts rarely need this.
    /// </summary>
    /// <returns>Whether a snapshot was written (false when nothing changed since the last one, or it failed and was reported).</returns>
    public ValueTask<bool> SnapshotAsync(CancellationToken cancellationToken = default) => _snapshots.TakeAsync(cancellationToken);

    /// <summary>The whole state as a snapshot would encode it now (tests compare a restored state with a replayed one).</summary>
    internal async ValueTask<byte[]> EncodeStateAsync()
    {
        await _journal.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            return ProjectionSnapshotWriter.Encode(_state, _limiter, _journal.Position, _time.GetUtcNow());
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>Gets how many drafts are held in memory (pending, or approved with their send unreported), and how many decided ids are remembered.</summary>
    internal (int Drafts, int Decided) DraftMemory => (_state.Drafts.Count, _state.Decided.Count);

    /// <summary>Gets the background snapshot started last (tests await it).</summary>
    internal Task BackgroundSnapshot => _snapshots.Last;

    private void Report(string operation, Exception exception)
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

    // Permits are numbered in this process's epoch, fixed by its first committed change (a configuration always is one).
    private static InvalidOperationException NoEpoch() => new("No change has been committed by this process, so it cannot number send permits.");

    private bool TryNow(out DateTimeOffset now, out Exception? error)
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
            Report("clock", ex);
            now = default;
            error = ex;
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<InboundDecision> Done(InboundDecision decision)
    {
        _metrics.Inbound(decision);
        return new(decision);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValueTask<OutboundDecision> Done(OutboundDecision decision)
    {
        _metrics.Outbound(decision, approval: false);
        return new(decision);
    }
}

/// <summary>What the builder hands the policy.</summary>
internal sealed record PolicyParts(
    IServiceStateStore Store,
    IDisposable? OwnedStore,
    IReadOnlyList<IAuditSink> Sinks,
    IRateLimiter Limiter,
    TimeProvider Time,
    IRecentChatSource RecentChats,
    Action<PolicyFailure>? OnFailure,
    INationalNumberParser? NationalNumbers,
    IMeterFactory? MeterFactory,
    long SnapshotEvents);
