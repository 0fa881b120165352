using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Builds a <see cref="ServiceConversationPolicy"/>. Every piece has a safe default: the state store is the durable
/// <see cref="FileServiceStateStore"/> in <c>state_directory</c> (a per-user folder when empty), owned and closed by
/// the policy. In-memory state forgets revocations on restart, so it is used only when asked for
/// (<see cref="UseInMemoryState"/>, for tests).
/// </summary>
/// <example>
/// <code>
/// var policy = await new ServiceConversationPolicyBuilder()
///     .WithOptions(new ServiceConversationOptions { Enabled = true })
///     .UseInMemoryState()
///     .BuildAsync();
/// </code>
/// </example>
public sealed class ServiceConversationPolicyBuilder
{
    private readonly List<IAuditSink> _sinks = [];
    private ServiceConversationOptions? _options;
    private IEnumerable<KeyValuePair<string, string?>>? _values;
    private IServiceStateStore? _store;
    private IRateLimiter? _limiter;
    private TimeProvider _time = TimeProvider.System;
    private IRecentChatSource? _recentChats;
    private Action<PolicyFailure>? _onFailure;
    private INationalNumberParser? _nationalNumbers;
    private IMeterFactory? _meterFactory;
    private long _snapshotEvents = 10_000;
    private Random _random = Random.Shared;
    private readonly List<Checks.IOutboundCheck> _checks = [];
    private TimeSpan _checkTimeout = Checks.HostCheckRunner.DefaultTimeout;
    private bool _tracing = true;

    /// <summary>Uses <paramref name="options"/> as the configuration at start (validated by <see cref="BuildAsync"/>). Without one the built-in defaults hold: the feature is off.</summary>
    public ServiceConversationPolicyBuilder WithOptions(ServiceConversationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _values = null;
        return this;
    }

    /// <summary>Uses configuration key/value pairs (either spelling; see <see cref="ServiceConversationOptionsReader"/>) as the configuration at start.</summary>
    public ServiceConversationPolicyBuilder WithConfiguration(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
        _options = null;
        return this;
    }

    /// <summary>Uses <paramref name="store"/> as the durable log.</summary>
    public ServiceConversationPolicyBuilder WithStateStore(IServiceStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        return this;
    }

    /// <summary>
    /// Uses <paramref name="random"/> as the random source of <c>send_jitter_seconds</c> (the default is
    /// <see cref="Random.Shared"/>). Seed one in tests to get the same <c>not_before</c> every run; the policy serialises its
    /// calls, so a plain <see cref="Random"/> is safe.
    /// </summary>
    public ServiceConversationPolicyBuilder WithRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        return this;
    }

    /// <summary>
    /// Sets the fewest events between two background snapshots (default 10 000; never fewer than the chats and drafts in
    /// memory, so snapshot writing stays a bounded share of the work). 0 leaves only the snapshot at a clean shutdown.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="events"/> is negative.</exception>
    public ServiceConversationPolicyBuilder WithSnapshotEvery(long events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        _snapshotEvents = events;
        return this;
    }

    /// <summary>Keeps state in memory only: for tests. Everything is forgotten when the process ends.</summary>
    public ServiceConversationPolicyBuilder UseInMemoryState() => WithStateStore(new InMemoryServiceStateStore());

    /// <summary>Adds an audit sink (any number; each gets every audit event once it is durable).</summary>
    public ServiceConversationPolicyBuilder AddAuditSink(IAuditSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sinks.Add(sink);
        return this;
    }

    /// <summary>
    /// Adds a receiver of the owner's notices (new drafts, expired drafts, failed or unknown sends), fed after the fact
    /// like an audit sink; see <see cref="Notices.IOperatorNoticeSink"/>.
    /// </summary>
    public ServiceConversationPolicyBuilder AddNoticeSink(Notices.IOperatorNoticeSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sinks.Add(new Notices.NoticeAuditSink(sink));
        return this;
    }

    /// <summary>
    /// Adds a host check (<see cref="Checks.IOutboundCheck"/>) that runs, in registration order, after the library's
    /// rules permitted a send or an approval: it can let it go, deny it (<c>host_denied</c>) or hold it as a draft for
    /// the owner, never loosen it. A check that throws or does not answer in time denies (<c>policy_unavailable</c>).
    /// With any check registered every send takes the slow path (the fast, allocation-free path is for none).
    /// </summary>
    public ServiceConversationPolicyBuilder AddOutboundCheck(Checks.IOutboundCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _checks.Add(check);
        return this;
    }

    /// <summary>Sets how long each host check may take before it counts as failed (default 5 s; up to 5 minutes), measured on the policy's clock.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or is over 5 minutes.</exception>
    public ServiceConversationPolicyBuilder WithOutboundCheckTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromMinutes(5));
        _checkTimeout = timeout;
        return this;
    }

    /// <summary>Replaces the default <see cref="SlidingLogRateLimiter"/>.</summary>
    /// <remarks>
    /// The policy records into the limiter what it reads back from its log (first contacts; with a shared store every
    /// counted send and reply). Only the built-in limiter's counters are saved with the policy's state (batched records,
    /// snapshots) and pruned by its sweep: a limiter of your own keeps its counters across restarts itself.
    /// </remarks>
    public ServiceConversationPolicyBuilder WithRateLimiter(IRateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        _limiter = limiter;
        return this;
    }

    /// <summary>Uses <paramref name="timeProvider"/> as the only clock (tests pass a fake one).</summary>
    public ServiceConversationPolicyBuilder WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        return this;
    }

    /// <summary>Uses the host's recent-chat list for discovery and name lookup (none by default).</summary>
    public ServiceConversationPolicyBuilder WithRecentChatSource(IRecentChatSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _recentChats = source;
        return this;
    }

    /// <summary>
    /// Reads national phone numbers for <c>default_region</c> with <paramref name="parser"/> (the
    /// <c>Hermes.ServicePolicy.PhoneNumbers</c> package registers one with <c>UsePhoneNumbers()</c>). Without one, a
    /// <c>default_region</c> is a configuration error and national numbers stay invalid.
    /// </summary>
    public ServiceConversationPolicyBuilder WithNationalNumberParser(INationalNumberParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        _nationalNumbers = parser;
        return this;
    }

    /// <summary>
    /// Creates the policy's meter (<see cref="ServiceConversationMetrics.MeterName"/>) from <paramref name="meterFactory"/>,
    /// so its instruments are scoped to the host's container (and testable with <c>MetricCollector&lt;T&gt;</c>). Without
    /// one the policy owns a meter of its own.
    /// </summary>
    public ServiceConversationPolicyBuilder WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>
    /// Turns the policy's traces (<see cref="ServiceConversationTracing"/>) on (the default) or off. On, a decision is
    /// traced only while someone listens to the source; off, this policy never starts a span.
    /// </summary>
    public ServiceConversationPolicyBuilder WithTracing(bool enabled)
    {
        _tracing = enabled;
        return this;
    }

    /// <summary>Reports every failure the policy answered by failing closed (store, clock) or retries (audit sink, checkpoint).</summary>
    public ServiceConversationPolicyBuilder OnFailure(Action<PolicyFailure> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _onFailure = handler;
        return this;
    }

    /// <summary>
    /// Builds the policy: replays the store's log, then applies the configuration (audited <c>policy_loaded</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration was refused or could not be recorded.</exception>
    /// <exception cref="System.IO.IOException">The default file store's directory is locked by another process.</exception>
    /// <exception cref="StateStoreCorruptedException">The default file store's log is damaged.</exception>
    public async ValueTask<ServiceConversationPolicy> BuildAsync(CancellationToken cancellationToken = default)
    {
        var options = _options;
        if (options is null && _values is not null)
        {
            options = ServiceConversationOptionsReader.Read(_values, out _);
        }

        IServiceStateStore store;
        IDisposable? ownedStore = null;
        if (_store is not null)
        {
            store = _store;
        }
        else
        {
            var fileStore = FileServiceStateStore.Open(FileServiceStateStore.ResolveDirectory(options?.StateDirectory));
            store = fileStore;
            ownedStore = fileStore;
        }

        // The built-in limiter's counters are saved with the policy's state; a host's limiter keeps its own (see WithRateLimiter).
        var limiter = _limiter ?? new SlidingLogRateLimiter();
        var limiterState = limiter as IRateLimiterState ?? new HostRateLimiterState(limiter);
        var policy = new ServiceConversationPolicy(new PolicyParts(
            store, ownedStore, [.. _sinks], limiter, limiterState, _time, _recentChats ?? new InMemoryRecentChatSource(), _onFailure, _nationalNumbers, _meterFactory, _snapshotEvents, _random, [.. _checks], _checkTimeout, _tracing));
        try
        {
            await policy.LoadAsync(cancellationToken).ConfigureAwait(false);
            ConfigurationResult? result = null;
            if (_options is not null)
            {
                result = await policy.ApplyConfigurationAsync(_options, cancellationToken).ConfigureAwait(false);
            }
            else if (_values is not null)
            {
                result = await policy.ApplyConfigurationAsync(_values, cancellationToken).ConfigureAwait(false);
            }

            if (result is { Accepted: false })
            {
                throw new InvalidOperationException($"The service-conversation configuration was refused:{Environment.NewLine}{result.Describe()}", result.Error);
            }

            return policy;
        }
        catch
        {
            await policy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
