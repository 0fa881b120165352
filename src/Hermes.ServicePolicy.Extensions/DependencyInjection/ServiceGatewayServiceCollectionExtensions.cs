using System;
using System.Diagnostics.CodeAnalysis;
using Hermes.ServicePolicy.Extensions.Hosting;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the transport-neutral gateway (docs/writing-a-transport.md) over whatever transport the host registered.</summary>
public static class ServiceGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GatedSender"/> over the registered <see cref="IMessageSender"/> (the policy's permits, and only
    /// they, through the transport), unless the host registered its own. Resolve it after the policy opened (the host's start).
    /// </summary>
    public static IServiceCollection AddGatedSender(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new GatedSender(
            sp.GetRequiredService<IServiceConversationGate>(),
            sp.GetRequiredService<IMessageSender>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<IServiceConversationQueries>()));
        return services;
    }

    /// <summary>
    /// Adds the gateway loop (<see cref="ServiceGateway"/>, run by a hosted service) over the registered
    /// <see cref="IMessageTransport"/>, routing delivered messages to <typeparamref name="TAgent"/>; also the gated sender
    /// (<see cref="AddGatedSender"/>) and the <see cref="TransportStatus"/> health checks read. Register the policy
    /// (<c>AddServiceConversationPolicy</c>) first, so it opens before the gateway starts, and the transport as
    /// <see cref="IMessageTransport"/> and <see cref="IMessageSender"/> (one instance for both).
    /// <see cref="ServiceGatewayOptions.JournalDirectory"/> is required.
    /// </summary>
    public static IServiceCollection AddServiceGateway<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TAgent>(this IServiceCollection services, Action<ServiceGatewayOptions> configure)
        where TAgent : class, IServiceAgent
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServiceAgent, TAgent>();
        services.TryAddSingleton<IMessageSender>(sp => sp.GetRequiredService<IMessageTransport>());
        services.TryAddSingleton<TransportStatus>();
        services.AddGatedSender();
        services.AddHostedService<ServiceGatewayHost>();
        return services;
    }
}
