using System;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Extensions.Configuration;
using Hermes.ServicePolicy.Extensions.Logging;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Hermes.ServicePolicy.Extensions.Hosting;

/// <summary>
/// Opens the policy when the host starts and closes it when the host stops. Opening replays the durable state, so it is
/// asynchronous and happens in <see cref="StartAsync"/>: an invalid configuration, a state directory locked by another
/// process or a damaged one fails the host's start with its message, not the first request. Every policy interface
/// registered by <c>AddServiceConversationPolicy</c> resolves to the policy this host opened; resolving one before the
/// host started throws <see cref="InvalidOperationException"/> saying so. Without a generic host, call
/// <c>StartServiceConversationPolicyAsync()</c> on the service provider.
/// </summary>
public sealed class ServiceConversationPolicyHost : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ServiceConversationPolicy? _policy;
    private IDisposable? _reloads;
    private int _disposed;

    /// <summary>Creates the host; the container does.</summary>
    public ServiceConversationPolicyHost(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Hermes.ServicePolicy");
    }

    /// <summary>Gets the policy.</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet, or has stopped.</exception>
    public ServiceConversationPolicy Policy => Volatile.Read(ref _policy)
        ?? throw new InvalidOperationException("The service-conversation policy opens when the host starts: run the generic host (IHostedService), or await StartServiceConversationPolicyAsync() on the service provider before using it.");

    /// <summary>Validates the configuration, opens the state store, replays it and applies the configuration (audited <c>policy_loaded</c>). Idempotent.</summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid (the message names each key and value).</exception>
    /// <exception cref="System.IO.IOException">The state directory is locked by another process or cannot be used.</exception>
    /// <exception cref="StateStoreCorruptedException">The state is damaged.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_policy is not null)
            {
                return;
            }

            var options = _services.GetRequiredService<IOptions<ServiceConversationOptions>>().Value; // validates
            var builder = new ServiceConversationPolicyBuilder()
                .WithOptions(options)
                .WithStateStore(_services.GetRequiredService<IServiceStateStore>())
                .WithRateLimiter(_services.GetRequiredService<IRateLimiter>())
                .WithTimeProvider(_services.GetRequiredService<TimeProvider>())
                .WithRecentChatSource(_services.GetRequiredService<IRecentChatSource>())
                .OnFailure(failure => PolicyLog.Failure(_logger, failure));
            if (_services.GetService<INationalNumberParser>() is { } nationalNumbers)
            {
                builder.WithNationalNumberParser(nationalNumbers);
            }

            if (_services.GetService<IMeterFactory>() is { } meters)
            {
                builder.WithMeterFactory(meters);
            }

            foreach (var sink in _services.GetServices<IAuditSink>())
            {
                builder.AddAuditSink(sink);
            }

            foreach (var notices in _services.GetServices<Notices.IOperatorNoticeSink>())
            {
                builder.AddNoticeSink(notices);
            }

            // Host checks run in registration order (the container keeps it).
            foreach (var check in _services.GetServices<Checks.IOutboundCheck>())
            {
                builder.AddOutboundCheck(check);
            }

            var hostOptions = _services.GetRequiredService<IOptions<ServiceConversationHostOptions>>().Value;
            builder.WithOutboundCheckTimeout(hostOptions.OutboundCheckTimeout).WithTracing(!hostOptions.DisableTracing);

            var policy = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
            if (_services.GetService<ServiceConversationConfiguration>() is { } configuration)
            {
                _reloads = ConfigurationReloader.Watch(policy, configuration, _logger);
            }

            Volatile.Write(ref _policy, policy);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Closes the policy: the last counters are written and the audit sinks get a last chance to catch up.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _reloads?.Dispose();
            _reloads = null;
            var policy = Interlocked.Exchange(ref _policy, null);
            if (policy is not null)
            {
                await policy.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Closes the policy if the host did not stop it. Idempotent (the container may dispose it once per registration).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _lifecycle.Dispose();
    }
}
