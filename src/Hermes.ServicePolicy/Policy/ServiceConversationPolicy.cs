using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
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
/// A thin façade (docs/architecture.md) over internal handlers: the inbound gate, the outbound gate (the rule pipeline,
/// the mode step, the limits), draft approvals, send confirmations, operator actions, configuration changes, the sweep
/// and the queries. Each change runs in one unit of work: enter the journal's gate, read the clock once, decide on the
/// configuration of that moment, commit; with a shared store, decide again after a conflict. State is event-sourced:
/// every change is a <see cref="PolicyEvent"/> appended to the <see cref="IServiceStateStore"/> first and applied to
/// memory second; a change whose append fails never takes effect (<see cref="ReasonCode.PolicyUnavailable"/>). Audit
/// sinks are fed from a queue after the fact and never hold a decision.
/// </para>
/// <para>Reads are lock-free (an immutable configuration snapshot, immutable chat records); changes are serialised by the journal's gate.</para>
/// </remarks>
public sealed class ServiceConversationPolicy : IServiceConversationPolicy, IKnownChatSource, IAsyncDisposable
{
    /// <summary>The actor of changes the policy makes on its own (promotion, expiry, confirmations, alias links from the transport).</summary>
    public const string SystemActor = ActorNames.SystemActor;

    /// <summary>The actor of agent-initiated sends.</summary>
    public const string AgentActor = ActorNames.AgentActor;

    /// <summary>The actor of sends the operator asked the agent to make, when the request names no one.</summary>
    public const string OperatorActor = ActorNames.OperatorActor;

    /// <summary>The most <c>inbound_blocked</c> events written in one UTC clock hour, roll-ups included.</summary>
    public const int MaxInboundBlockedEventsPerHour = BlockLedger.MaxEventsPerHour;

    /// <summary>How often a decision is made again after a conflict before it answers <c>policy_unavailable</c>.</summary>
    public const int MaxConflictRetries = UnitOfWork.MaxConflictRetries;

    private readonly PolicyCore _core;
    private readonly InboundGate _inbound;
    private readonly OutboundGate _outbound;
    private readonly DraftApprovals _drafts;
    private readonly SendConfirmations _sends;
    private readonly PolicyHandlers _more;

    internal ServiceConversationPolicy(PolicyParts parts)
    {
        _core = new PolicyCore(parts);
        var host = new HostCheckStep(_core, OutboundPipeline.Default);
        var limits = new OutboundLimits(_core, host);
        _inbound = new InboundGate(_core, new Replies(_core), new OwnerMessages(_core));
        _outbound = new OutboundGate(_core, OutboundPipeline.Default, limits, host);
        _drafts = new DraftApprovals(_core, OutboundPipeline.Default, limits, host);
        _sends = new SendConfirmations(_core);
        _more = new PolicyHandlers(_core);
        var directory = new ChatDirectory(parts.RecentChats, this);
        Directory = directory;
        Resolver = new ChatTargetResolver(directory, this, () => _core.Settings.Current.National);
    }

    /// <summary>How often changed counters are checkpointed: at least once a second.</summary>
    public static TimeSpan CheckpointInterval => CounterCheckpointer.Interval;

    /// <inheritdoc />
    public IChatDirectory Directory { get; }

    /// <inheritdoc />
    public IChatTargetResolver Resolver { get; }

    /// <inheritdoc />
    public bool IsEnabled => _core.Settings.Current.Enabled;

    /// <summary>Gets a copy of the configuration in force (the built-in defaults until one is applied).</summary>
    public ServiceConversationOptions Options => _core.Settings.Current.Options.Clone();

    /// <summary>Gets the number of chats with runtime state.</summary>
    public int ChatCount => _core.State.Chats.Count;

    /// <summary>Gets how many audit events wait for a sink that is behind (0 when every sink has caught up).</summary>
    public int AuditBacklog => _core.Outbox.Backlog;

    /// <inheritdoc />
    public long HistoryPosition => _core.Journal.Position;

    /// <inheritdoc />
    public ValueTask<InboundDecision> DecideInboundAsync(in InboundMessage message, CancellationToken cancellationToken = default) => _inbound.DecideAsync(message, cancellationToken); // traced by the gate

    /// <inheritdoc />
    public ValueTask<OutboundDecision> DecideOutboundAsync(in OutboundRequest request, CancellationToken cancellationToken = default)
        => _core.Traced ? PolicyTracing.OutboundAsync(_core.Tracing!, _outbound, request, cancellationToken) : _outbound.DecideAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ConfirmSendAsync(SendId send, SendReport report, CancellationToken cancellationToken = default)
        => _core.Traced ? PolicyTracing.ConfirmAsync(_core.Tracing!, _sends, send, report, cancellationToken) : _sends.ConfirmAsync(send, report, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ConfirmSendAsync(OutboundDecision permit, SendReport report, CancellationToken cancellationToken = default)
        => _core.Traced ? PolicyTracing.ConfirmAsync(_core.Tracing!, _sends, permit, report, cancellationToken) : _sends.ConfirmAsync(permit, report, cancellationToken);

    /// <inheritdoc />
    public bool TryTakePermit(in OutboundDecision permit) => _sends.TryTake(permit);

    /// <inheritdoc />
    public IReadOnlyList<PendingSendInfo> GetPendingSends() => _sends.Pending();

    /// <inheritdoc />
    public ValueTask<OutboundDecision> ApproveDraftAsync(DraftId draft, string approvedBy, CancellationToken cancellationToken = default)
        => _core.Traced ? PolicyTracing.ApprovalAsync(_core.Tracing!, _drafts, draft, approvedBy, cancellationToken) : _drafts.ApproveAsync(draft, approvedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> RejectDraftAsync(DraftId draft, string rejectedBy, CancellationToken cancellationToken = default) => _drafts.RejectAsync(draft, rejectedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ApproveChatAsync(ChatId chat, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default) => _more.Operator.ApproveChatAsync(chat, approvedBy, mode, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> SetModeAsync(ChatId chat, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default) => _more.Operator.SetModeAsync(chat, mode, changedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> PauseAsync(ChatId chat, string pausedBy, CancellationToken cancellationToken = default) => _more.Operator.PauseAsync(chat, pausedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ResumeAsync(ChatId chat, string resumedBy, CancellationToken cancellationToken = default) => _more.Operator.ResumeAsync(chat, resumedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> RevokeAsync(ChatId chat, string revokedBy, CancellationToken cancellationToken = default) => _more.Operator.RevokeAsync(chat, revokedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> HandBackAsync(ChatId chat, string handedBackBy, CancellationToken cancellationToken = default) => _more.Operator.HandBackAsync(chat, handedBackBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> LinkAliasAsync(ChatId chat, ChatId otherChat, string linkedBy, CancellationToken cancellationToken = default) => _more.Operator.LinkAliasAsync(chat, otherChat, linkedBy, cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ApproveChatAsync(string target, string approvedBy, ServiceChatMode? mode = null, CancellationToken cancellationToken = default) => OnTargetAsync(target, chat => ApproveChatAsync(chat, approvedBy, mode, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> SetModeAsync(string target, ServiceChatMode mode, string changedBy, CancellationToken cancellationToken = default) => OnTargetAsync(target, chat => SetModeAsync(chat, mode, changedBy, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> PauseAsync(string target, string pausedBy, CancellationToken cancellationToken = default) => OnTargetAsync(target, chat => PauseAsync(chat, pausedBy, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> ResumeAsync(string target, string resumedBy, CancellationToken cancellationToken = default) => OnTargetAsync(target, chat => ResumeAsync(chat, resumedBy, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<OperatorResult> RevokeAsync(string target, string revokedBy, CancellationToken cancellationToken = default) => OnTargetAsync(target, chat => RevokeAsync(chat, revokedBy, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigurationResult> ApplyConfigurationAsync(ServiceConversationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _more.Configuration.ApplyAsync(options, cancellationToken);
    }

    /// <summary>
    /// Reads a configuration from key/value pairs (either spelling; see <see cref="ServiceConversationOptionsReader"/>)
    /// and applies it as <see cref="ApplyConfigurationAsync(ServiceConversationOptions, CancellationToken)"/> does; unreadable input is refused and audited the same way.
    /// </summary>
    public ValueTask<ConfigurationResult> ApplyConfigurationAsync(IEnumerable<KeyValuePair<string, string?>> values, CancellationToken cancellationToken = default)
        => _more.Configuration.ApplyAsync(values, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SweepResult> SweepAsync(CancellationToken cancellationToken = default) => _more.Maintenance.SweepAsync(cancellationToken);

    /// <summary>
    /// Probes what decisions stand on (a read of the state store, the counters' last save, the outbound switch, the audit
    /// backlog) and says whether the policy decides as configured, is degraded, or fails closed. Health checks call it.
    /// </summary>
    public ValueTask<PolicyHealthReport> CheckHealthAsync(CancellationToken cancellationToken = default) => _more.Queries.CheckHealthAsync(cancellationToken);

    /// <inheritdoc />
    public ChatStatus GetStatus(ChatId chat) => _more.Queries.GetStatus(chat);

    /// <summary>What the chat has used of the agent's send limits now, and when each frees up (for the owner's views).</summary>
    public ChatLimitUsage GetLimitUsage(ChatId chat) => _more.Queries.GetLimitUsage(chat);

    /// <inheritdoc />
    ServiceChatStatus IKnownChatSource.GetStatus(ChatId chat) => GetStatus(chat).Status;

    /// <inheritdoc />
    public IReadOnlyList<KnownChat> GetKnownChats() => _more.Queries.GetKnownChats();

    /// <inheritdoc />
    public ChatId GetPrimary(ChatId chat) => _core.State.PrimaryOf(chat);

    /// <inheritdoc />
    public void ObserveName(ChatId chat, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _core.State.Names[_core.State.PrimaryOf(chat)] = name;
    }

    /// <summary>Gets a chat's last known display name, if any (as the host's transport reported it).</summary>
    public string? GetChatName(ChatId chat) => _core.State.NameOf(_core.State.PrimaryOf(chat));

    /// <inheritdoc />
    public IReadOnlyList<DraftInfo> GetPendingDrafts() => _more.Queries.GetPendingDrafts();

    /// <inheritdoc />
    public IAsyncEnumerable<PolicyEvent> ReadHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) => _more.Queries.ReadHistoryAsync(query, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Notices.OperatorNotice> ReadNoticesAsync(long afterSequence = 0, CancellationToken cancellationToken = default) => _more.Queries.ReadNoticesAsync(afterSequence, cancellationToken);

    /// <summary>
    /// Takes a snapshot of the whole state now (the store keeps the newest two), so the next start-up replays only what
    /// follows it. The policy takes them on its own in the background and at shutdown; hosts rarely need this.
    /// </summary>
    /// <returns>Whether a snapshot was written (false when nothing changed since the last one, or it failed and was reported).</returns>
    public ValueTask<bool> SnapshotAsync(CancellationToken cancellationToken = default) => _core.Snapshots.TakeAsync(cancellationToken);

    /// <summary>
    /// Saves the batched bookkeeping (rate-limit counters, suppressed block counts, open autonomous permits) now, and
    /// feeds the audit sinks what they have not had yet. Tests and shutdown hooks use it instead of waiting.
    /// </summary>
    /// <returns>Whether every audit sink has caught up.</returns>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _core.Checkpoints.SaveAsync(force: true, cancellationToken).ConfigureAwait(false);
        return await _core.Outbox.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the timers, writes the roll-up of blocked messages and the counters (a clean shutdown forgets nothing),
    /// gives the audit sinks a last chance to catch up, and closes a store the builder opened.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (await _more.BeginDisposeAsync().ConfigureAwait(false))
        {
            await _core.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Gets the configuration in force (the command processor reads the operator settings from it).</summary>
    internal PolicyConfiguration Configuration => _core.Settings.Current;

    /// <summary>Gets the policy's clock.</summary>
    internal TimeProvider Time => _core.Time;

    /// <summary>Rebuilds state from the store's log and starts following a shared store. Called once by the builder, before any decision.</summary>
    internal async ValueTask LoadAsync(CancellationToken cancellationToken)
    {
        await _core.LoadAsync(cancellationToken).ConfigureAwait(false);
        _more.Follower.Start();
    }

    /// <summary>The draft a handle (<c>K7QM</c>, any case) or a full draft id names, or default.</summary>
    internal DraftId FindDraft(string handleOrId) => _drafts.Find(handleOrId);

    /// <summary>How many chats are paused and revoked now.</summary>
    internal (int Paused, int Revoked) CountPausedAndRevoked() => _more.Queries.CountPausedAndRevoked();

    /// <summary>Gets what tests read of the policy's memory and background work.</summary>
    internal PolicyProbes Probes => new(_core, _more.Queries);

    private async ValueTask<OperatorResult> OnTargetAsync(string target, Func<ChatId, ValueTask<OperatorResult>> act, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var resolved = await Resolver.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        return resolved.IsResolved ? await act(resolved.Chat).ConfigureAwait(false) : OperatorResult.Failed(resolved.Reason);
    }
}

/// <summary>What the builder hands the policy.</summary>
internal sealed record PolicyParts(
    IServiceStateStore Store,
    IDisposable? OwnedStore,
    IReadOnlyList<IAuditSink> Sinks,
    IRateLimiter Limiter,
    IRateLimiterState LimiterState,
    TimeProvider Time,
    IRecentChatSource RecentChats,
    Action<PolicyFailure>? OnFailure,
    INationalNumberParser? NationalNumbers,
    IMeterFactory? MeterFactory,
    long SnapshotEvents,
    Random Random,
    Checks.IOutboundCheck[] OutboundChecks,
    TimeSpan CheckTimeout,
    bool Tracing);
