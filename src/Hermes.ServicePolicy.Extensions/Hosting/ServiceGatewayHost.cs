using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Journal;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.Extensions.Hosting;

/// <summary>
/// Runs <see cref="ServiceGateway"/> as a hosted service (<c>AddServiceGateway</c>): opens it at the host's start with
/// the container's policy, transport (<see cref="IMessageTransport"/>), agent, gated sender and command processor, and
/// runs it until the host stops.
/// </summary>
public sealed class ServiceGatewayHost : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly ServiceGatewayOptions _options;
    private ServiceGateway? _gateway;

    /// <summary>Creates the hosted service; the container does (<c>AddServiceGateway</c>).</summary>
    public ServiceGatewayHost(IServiceProvider services, IOptions<ServiceGatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _options = options.Value;
    }

    /// <summary>
    /// Opens the gateway (and its inbound journal) before the loop starts, so a bad option or a damaged journal stops the
    /// host's start: nothing in it is run. The policy's hosted service, registered first, has opened the policy by then.
    /// </summary>
    /// <exception cref="InboundJournalCorruptedException">The journal is damaged or was written by an earlier version.</exception>
    /// <exception cref="InvalidOperationException">An option is out of range.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _gateway ??= ServiceGateway.Open(
            _services.GetRequiredService<ServiceConversationPolicy>(),
            _services.GetRequiredService<IMessageTransport>(),
            _services.GetRequiredService<IServiceAgent>(),
            _options,
            _services.GetRequiredService<GatedSender>(), // the agent's, so a chat's sends share one lane
            _services.GetRequiredService<OperatorCommandProcessor>(),
            _services.GetService<TransportStatus>(),
            _services.GetService<TimeProvider>());
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _gateway?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => (_gateway ?? throw new InvalidOperationException("The gateway was not started.")).RunAsync(stoppingToken);
}
