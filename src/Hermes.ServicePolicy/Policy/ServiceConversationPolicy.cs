using System;
using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The default <see cref="IServiceConversationPolicy"/>. Build it with <see cref="ServiceConversationPolicyBuilder"/>.
/// </summary>
/// <remarks>
/// <para>
/// State is event-sourced: every change is a <see cref="PolicyEvent"/> appended to the <see cref="IServiceStateStore"/>
/// first, applied to memory second, and published to the <see cref="IAuditSink"/>s third. A change whose append
/// fails never takes effect (the caller gets <see cref="ReasonCode.PolicyUnavailable"/>); a sink that fails is fed
/// again from where it stopped, and until it has caught up every decision fails closed.
/// </para>
/// <para>
/// Reads are lock-free: the configuration is an immutable snapshot swapped atomically, chat records are immutable
/// values in a concurrent dictionary. Writes (drafts, approvals, operator actions, first blocks) are serialised by one
/// asynchronous gate; the autonomous send path takes only its chat's rate-limit lock.
/// </para>
/// </remarks>
public sealed partial class ServiceConversationPolicy : IServiceConversationPolicy, IKnownChatSource, IDisposable, IAsyncDisposable
{
    /// <summary>The actor of changes the policy makes on its own (promotion, expiry, alias links from the transport).</summary>
    public const string SystemActor = "system";

    /// <summary>The actor of agent-initiated sends.</summary>
    public const string AgentActor = "agent";

    /// <summary>The actor of sends the operator asked the agent to make.</summary>
    public const string OperatorActor = "operator";

    private static readonly TimeSpan BlockedListingWindow = TimeSpan.FromDays(7);
    private static readonly TimeSpan InboundBlockedAuditInterval = TimeSpan.FromHours(1);

    private readonly IServiceStateStore _store;
    private readonly IDisposable? _ownedStore;
    private readonly IAuditSink[] _sinks;
    private readonly Queue<PolicyEvent>[] _undelivered;
    private readonly IRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly Action<PolicyFailure>? _onFailure;
    private readonly INationalNumberParser? _nationalNumbers;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChatTable _chats = new();
    private readonly ConcurrentDictionary<string, DraftRecord> _drafts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(ChatId Chat, ReasonCode Reason), BlockTracker> _blocks = new();
    private readonly ConcurrentDictionary<ChatId, long> _lastBlockedTicks = new();
    private readonly ConcurrentDictionary<ChatId, string> _names = new();
    private readonly ChatAliasRegistry _aliases = new();
    private PolicyConfiguration _configuration = PolicyConfiguration.Defaults;
    private long _sequence;
    private volatile bool _sinkFaulted;
    private volatile bool _checkpointDue;
    private Exception? _checkpointFailure; // set while counters cannot be persisted: autonomous sends fail closed
    private volatile bool _countersUnsaved; // the same, as one flag the outbound hot path reads
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly ITimer _checkpointTimer;
    private int _disposed;

    internal ServiceConversationPolicy(IServiceStateStore store, IReadOnlyList<IAuditSink> sinks, IRateLimiter limiter, TimeProvider time, IRecentChatSource recentChats, Action<PolicyFailure>? onFailure, IDisposable? ownedStore = null, INationalNumberParser? nationalNumbers = null)
    {
        _nationalNumbers = nationalNumbers;
        _store = store;
        _ownedStore = ownedStore;
        _sinks = [.. sinks];
        _undelivered = new Queue<PolicyEvent>[_sinks.Length];
        for (var i = 0; i < _undelivered.Length; i++)
        {
            _undelivered[i] = new Queue<PolicyEvent>();
        }

        _limiter = limiter;
        _time = time;
        _onFailure = onFailure;
        Directory = new ChatDirectory(recentChats, this);
        Resolver = new ChatTargetResolver(Directory, this, () => Volatile.Read(ref _configuration).National);

        // Counters are checkpointed in batches (docs/state-and-backups.md), so the hot path never waits for a disk.
        _checkpointTimer = time.CreateTimer(static state => ((ServiceConversationPolicy)state!).OnCheckpointTimer(), this, CheckpointInterval, CheckpointInterval);
    }

    /// <summary>How often changed counters are checkpointed: at least once a second.</summary>
    public static TimeSpan CheckpointInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the safe listing of recent chats, with each chat's service status (acceptance criterion 1).</summary>
    public ChatDirectory Directory { get; }

    /// <summary>Gets the resolver of targets by JID, phone number or recent-chat name (acceptance criterion 2).</summary>
    public IChatTargetResolver Resolver { get; }

    /// <inheritdoc />
    public bool IsEnabled => Volatile.Read(ref _configuration).Enabled;

    /// <summary>Gets a copy of the configuration in force (the built-in defaults until one is applied).</summary>
    public ServiceConversationOptions Options => Volatile.Read(ref _configuration).Options.Clone();

    /// <summary>Gets the number of chats with runtime state.</summary>
    public int ChatCount => _chats.Count;

    /// <summary>Stops the checkpoint timer, saves the counters (a clean shutdown forgets nothing) and closes a store the builder opened.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the checkpoint timer and saves the counters (a clean shutdown forgets nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        await FlushRollupsAtShutdownAsync().ConfigureAwait(false);
        await SaveCheckpointAsync(force: true, CancellationToken.None).ConfigureAwait(false);
        _ownedStore?.Dispose();
        _gate.Dispose();
        _checkpointGate.Dispose();
    }

    /// <summary>Saves the batched bookkeeping (rate-limit counters, suppressed block counts) now.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => SaveCheckpointAsync(force: true, cancellationToken);

    private void OnCheckpointTimer()
    {
        if (_checkpointDue && Volatile.Read(ref _disposed) == 0)
        {
            _ = SaveCheckpointAsync(force: false, CancellationToken.None).AsTask();
        }
    }

    private async ValueTask SaveCheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && !_checkpointDue)
        {
            return;
        }

        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_checkpointDue && !force)
            {
                return;
            }

            // Cleared before capturing: a change racing the capture marks it due again.
            _checkpointDue = false;
            if (!TryNow(out var now, out _))
            {
                _checkpointDue = true;
                return;
            }

            var blocks = new List<BlockCount>();
            foreach (var ((chat, reason), tracker) in _blocks)
            {
                int suppressed;
                lock (tracker)
                {
                    suppressed = tracker.Suppressed;
                }

                if (suppressed > 0)
                {
                    var last = _lastBlockedTicks.TryGetValue(chat, out var ticks) ? new DateTimeOffset(ticks, TimeSpan.Zero) : now;
                    blocks.Add(new BlockCount(chat, reason, suppressed, last));
                }
            }

            var checkpoint = new PolicyCheckpoint(now, _limiter.CaptureState(now), blocks) { CappedBlocks = CaptureCappedBlocks() };
            await _store.SaveCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _checkpointFailure, null);
            _countersUnsaved = false;
        }
#pragma warning disable CA1031 // A failed checkpoint is reported and retried; it never throws into a timer thread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _checkpointDue = true;
            Volatile.Write(ref _checkpointFailure, ex);
            _countersUnsaved = true;
            Report("checkpoint", ex);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Configuration

    /// <inheritdoc />
    public async ValueTask<ConfigurationResult> ApplyConfigurationAsync(ServiceConversationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = ServiceConversationOptionsValidator.Validate(options, _nationalNumbers);
        return await ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a configuration from key/value pairs (either spelling; see <see cref="ServiceConversationOptionsReader"/>)
    /// and applies it as <see cref="ApplyConfigurationAsync(ServiceConversationOptions, CancellationToken)"/> does; unreadable input is refused and audited the same way.
    /// </summary>
    public async ValueTask<ConfigurationResult> ApplyConfigurationAsync(IEnumerable<KeyValuePair<string, string?>> values, CancellationToken cancellationToken = default)
    {
        var options = ServiceConversationOptionsReader.ReadPartial(values, out var readErrors);
        var validation = ServiceConversationOptionsValidator.Validate(options, _nationalNumbers);
        return readErrors.Count == 0
            ? await ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken).ConfigureAwait(false)
            : await ApplyValidatedAsync(null, [.. readErrors, .. validation.Errors], cancellationToken).ConfigureAwait(false); // every error, each once
    }

    private async ValueTask<ConfigurationResult> ApplyValidatedAsync(PolicyConfiguration? configuration, IReadOnlyList<ConfigurationError> errors, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTimeOffset now;
            try
            {
                now = _time.GetUtcNow();
            }
            catch (Exception ex)
            {
                Report("clock", ex);
                return new ConfigurationResult(false, errors, ex);
            }

            if (configuration is null)
            {
                var rejected = new PolicyEvent { Type = PolicyEventType.PolicyRejected, Timestamp = now, Actor = SystemActor, Detail = string.Join("; ", errors) };
                var failure = await CommitAsync([rejected], cancellationToken).ConfigureAwait(false);
                return new ConfigurationResult(false, errors, failure);
            }

            var previous = Volatile.Read(ref _configuration);
            var loaded = new PolicyEvent { Type = PolicyEventType.PolicyLoaded, Timestamp = now, Actor = SystemActor, Detail = DescribeChange(previous, configuration) };
            var error = await CommitAsync([loaded], cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return new ConfigurationResult(false, errors, error);
            }

            // Swapped only once its record is durable: a configuration nobody can audit never takes effect.
            Volatile.Write(ref _configuration, configuration);
            return new ConfigurationResult(true, errors, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string DescribeChange(PolicyConfiguration previous, PolicyConfiguration next)
    {
        var o = next.Options;
        return $"enabled={o.Enabled.ToString().ToLowerInvariant()} default_mode={o.DefaultMode.ToCode()} approved_chats={next.ApprovedChatCount} approved_patterns={next.PatternCount} "
            + $"max_new_service_chats_per_day={o.MaxNewServiceChatsPerDay} max_auto_sends_per_chat_per_hour={o.MaxAutoSendsPerChatPerHour} "
            + $"max_consecutive_agent_sends_without_reply={o.MaxConsecutiveAgentSendsWithoutReply} allow_media={o.AllowMedia.ToString().ToLowerInvariant()} "
            + $"allow_agent_initiated_service_chats={o.AllowAgentInitiatedServiceChats.ToString().ToLowerInvariant()} auto_promote_replied_to_chats={o.AutoPromoteRepliedToChats.ToString().ToLowerInvariant()} "
            + $"require_explicit_approval_for_first_contact={o.RequireExplicitApprovalForFirstContact.ToString().ToLowerInvariant()} pending_draft_ttl_minutes={o.PendingDraftTtlMinutes}"
            + (o.DefaultRegion.Length > 0 ? $" default_region={o.DefaultRegion}" : string.Empty)
            + (previous.Enabled != next.Enabled ? (next.Enabled ? " (feature switched on)" : " (feature switched off)") : string.Empty);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Views of a chat

    /// <summary>What the policy knows of a chat at one moment, from one configuration snapshot.</summary>
    private readonly struct ChatView
    {
        public ChatView(ChatId primary, ChatSlot? slot, ChatRecord? record, bool configured, ServiceChatMode defaultMode)
        {
            Primary = primary;
            Slot = slot;
            Record = record;
            Configured = configured;
            DefaultMode = defaultMode;
        }

        public ChatId Primary { get; }

        public ChatSlot? Slot { get; }

        public ChatRecord? Record { get; }

        public bool Configured { get; }

        private ServiceChatMode DefaultMode { get; }

        public bool IsRevoked => Record is { Revoked: true };

        public bool IsService => !IsRevoked && (Record is { IsService: true } || Configured);

        public bool IsPaused => IsService && Record is { Paused: true };

        public ServiceChatMode Mode => Record?.Mode ?? DefaultMode;

        public string? Session => Record?.Session;
    }

    private ChatView View(ChatId chat, PolicyConfiguration configuration)
    {
        var primary = _aliases.GetPrimary(chat);
        _chats.TryGetSlot(primary, out var slot);
        var record = slot?.Record;
        var configured = false;
        if (record is not { Revoked: true } && record is not { IsService: true } && primary.IsOneToOne
            && (configuration.ApprovedChatCount > 0 || configuration.PatternCount > 0))
        {
            _aliases.TryGetAlias(primary, out var alias);
            configured = configuration.IsConfigured(primary, alias);
        }

        return new ChatView(primary, slot, record, configured, configuration.DefaultMode);
    }

    /// <summary>
    /// A reply arrived: resets the chat's consecutive-sends counter. For a chat with a slot the limiter is asked only
    /// when an autonomous send is waiting for a reply, so the usual reply costs no second lookup.
    /// </summary>
    private void RecordReply(in ChatView view)
    {
        if (view.Slot is { } slot)
        {
            if (Volatile.Read(ref slot.AwaitingReply) == 0)
            {
                return;
            }

            Volatile.Write(ref slot.AwaitingReply, 0); // cleared first: a send racing this reply marks it again
        }

        if (_limiter.RecordReply(view.Primary))
        {
            _checkpointDue = true;
        }
    }

    private void RecordAutonomousSend(in ChatView view)
    {
        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 1);
        }

        _checkpointDue = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReasonCode KindReason(ChatId chat) => chat.Kind switch
    {
        ChatKind.Phone or ChatKind.Lid => ReasonCode.None,
        ChatKind.Group => ReasonCode.GroupChat,
        ChatKind.Broadcast or ChatKind.Newsletter => ReasonCode.BroadcastChat,
        _ => ReasonCode.InvalidChat,
    };

    // ----------------------------------------------------------------------------------------------------------
    // Status, known chats, drafts (IKnownChatSource)

    /// <inheritdoc />
    public ChatStatus GetStatus(ChatId chat)
    {
        var view = View(chat, Volatile.Read(ref _configuration));
        _aliases.TryGetAlias(view.Primary, out var alias);
        return new ChatStatus(view.Primary, StatusOf(view, _time.GetUtcNow()), view.IsService ? view.Session : null, alias);
    }

    /// <inheritdoc />
    ServiceChatStatus IKnownChatSource.GetStatus(ChatId chat) => GetStatus(chat).Status;

    private ServiceChatStatus StatusOf(ChatView view, DateTimeOffset now)
    {
        if (view.IsRevoked)
        {
            return ServiceChatStatus.Revoked;
        }

        if (view.IsService)
        {
            return view.IsPaused ? ServiceChatStatus.Paused : view.Mode switch
            {
                ServiceChatMode.DraftFirst => ServiceChatStatus.DraftFirst,
                ServiceChatMode.DraftOnly => ServiceChatStatus.DraftOnly,
                _ => ServiceChatStatus.Autonomous,
            };
        }

        if (view.Record is { } record)
        {
            foreach (var id in record.PendingDrafts)
            {
                if (_drafts.TryGetValue(id, out var draft) && draft.IsFirstContact && draft.State == DraftState.Pending && now < draft.ExpiresAt)
                {
                    return ServiceChatStatus.Pending;
                }
            }
        }

        return IsRecentlyBlocked(view.Primary, now) ? ServiceChatStatus.Blocked : ServiceChatStatus.None;
    }

    private bool IsRecentlyBlocked(ChatId chat, DateTimeOffset now)
    {
        if (_lastBlockedTicks.TryGetValue(chat, out var ticks) && now.UtcTicks - ticks < BlockedListingWindow.Ticks)
        {
            return true;
        }

        return _aliases.TryGetAlias(chat, out var alias) && _lastBlockedTicks.TryGetValue(alias, out ticks) && now.UtcTicks - ticks < BlockedListingWindow.Ticks;
    }

    /// <inheritdoc />
    public IReadOnlyList<KnownChat> GetKnownChats()
    {
        var now = _time.GetUtcNow();
        var configuration = Volatile.Read(ref _configuration);
        var known = new Dictionary<ChatId, KnownChat>();
        foreach (var (chat, record) in _chats.Records())
        {
            var view = View(chat, configuration);
            var status = StatusOf(view, now);
            if (status != ServiceChatStatus.None)
            {
                known[view.Primary] = new KnownChat(view.Primary, NameOf(view.Primary), record.LastEventAt, status);
            }
        }

        foreach (var (chat, ticks) in _lastBlockedTicks)
        {
            var primary = _aliases.GetPrimary(chat);
            var at = new DateTimeOffset(ticks, TimeSpan.Zero);
            if (now - at < BlockedListingWindow && (!known.TryGetValue(primary, out var existing) || Nullable.Compare(existing.LastActivity, at) < 0))
            {
                var status = existing.Chat.IsEmpty ? StatusOf(View(primary, configuration), now) : existing.Status;
                known[primary] = new KnownChat(primary, NameOf(primary), at, status);
            }
        }

        return [.. known.Values];
    }

    private string? NameOf(ChatId primary)
    {
        if (_names.TryGetValue(primary, out var name))
        {
            return name;
        }

        return _aliases.TryGetAlias(primary, out var alias) && _names.TryGetValue(alias, out name) ? name : null;
    }

    /// <inheritdoc />
    public ChatId GetPrimary(ChatId chat) => _aliases.GetPrimary(chat);

    /// <inheritdoc />
    public void ObserveName(ChatId chat, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _names[_aliases.GetPrimary(chat)] = name;
    }

    /// <inheritdoc />
    public IReadOnlyList<DraftInfo> GetPendingDrafts()
    {
        var now = _time.GetUtcNow();
        var pending = new List<DraftInfo>();
        foreach (var draft in _drafts.Values)
        {
            if (draft.State == DraftState.Pending && now < draft.ExpiresAt)
            {
                pending.Add(draft.ToInfo());
            }
        }

        pending.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return pending;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Committing: store first, memory second, sinks third.

    /// <summary>Appends, applies and publishes a batch. Call it inside the gate. Returns the failure, or null.</summary>
    private async ValueTask<Exception?> CommitAsync(PolicyEvent[] events, CancellationToken cancellationToken)
    {
        var sequence = _sequence;
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = events[i] with { Sequence = ++sequence };
        }

        try
        {
            await _store.AppendAsync(events, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Report("store_append", ex);
            return ex;
        }

        _sequence = sequence;
        foreach (var e in events)
        {
            Apply(e, replaying: false);
            ServiceConversationMetrics.Committed(e);
        }

        await PublishAsync(events, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask PublishAsync(PolicyEvent[] events, CancellationToken cancellationToken)
    {
        for (var s = 0; s < _sinks.Length; s++)
        {
            foreach (var e in events)
            {
                if (e.IsAudited)
                {
                    _undelivered[s].Enqueue(e);
                }
            }
        }

        await DrainSinksAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Feeds every sink what it has not had yet, in order. Call it inside the gate.</summary>
    private async ValueTask<bool> DrainSinksAsync(CancellationToken cancellationToken)
    {
        var healthy = true;
        for (var s = 0; s < _sinks.Length; s++)
        {
            var queue = _undelivered[s];
            while (queue.Count > 0)
            {
                try
                {
                    await _sinks[s].WriteAsync(queue.Peek(), cancellationToken).ConfigureAwait(false);
                    queue.Dequeue();
                }
                catch (Exception ex)
                {
                    Report("audit_sink", ex);
                    healthy = false;
                    break;
                }
            }
        }

        _sinkFaulted = !healthy;
        return healthy;
    }

    /// <summary>When a sink is behind, tries to catch it up; false means the policy must fail closed.</summary>
    private async ValueTask<Exception?> EnsureSinksHealthyAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DrainSinksAsync(cancellationToken).ConfigureAwait(false)
                ? null
                : new InvalidOperationException("An audit sink is failing; the policy fails closed until it has caught up.");
        }
        finally
        {
            _gate.Release();
        }
    }

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

    /// <summary>Rebuilds state from the store's log. Called once by the builder, before any decision.</summary>
    internal async ValueTask LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var e in stored.Events)
        {
            Apply(e, replaying: true);
            _sequence = Math.Max(_sequence, e.Sequence);
        }

        if (stored.Checkpoint is { } checkpoint)
        {
            var rateLimits = ToPrimaries(checkpoint.RateLimits);
            _limiter.RestoreState(rateLimits);
            foreach (var window in rateLimits.Chats)
            {
                if (window.Consecutive > 0)
                {
                    _chats.MarkAwaitingReply(window.Chat);
                }
            }

            foreach (var block in checkpoint.Blocks)
            {
                var tracker = _blocks.GetOrAdd((block.Chat, block.Reason), static _ => new BlockTracker());
                lock (tracker)
                {
                    tracker.Suppressed = block.Suppressed;
                }

                _lastBlockedTicks.AddOrUpdate(block.Chat, block.LastBlockedAt.UtcTicks, (_, old) => Math.Max(old, block.LastBlockedAt.UtcTicks));
            }

            RestoreCappedBlocks(checkpoint.CappedBlocks);
        }
    }
}
