using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.HermesBridge.Transport;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hermes bridge client, the bridge as the transport, and the policy-gated sender over it.</summary>
public static class HermesBridgeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HermesBridgeClient"/> (typed, over <c>IHttpClientFactory</c>), the bridge as the transport
    /// (<see cref="IMessageTransport"/> and <see cref="IMessageSender"/>: <see cref="HermesBridgeTransport"/>, unless the
    /// host registered its own) and <see cref="GatedSender"/> over it.
    /// Only the requests that are safe to repeat (<c>/health</c>, <c>/chat</c>, <c>/chats</c>, <c>/typing</c>) are retried
    /// (3 attempts, exponential back-off with jitter, on connection failures and 5xx answers); polls and sends never are.
    /// Resolve the sender after the policy opened (the host's start).
    /// </summary>
    public static IServiceCollection AddHermesBridge(this IServiceCollection services, Action<HermesBridgeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HermesBridgeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpClient(HermesBridgeClient.HttpClientName);
        services.AddHttpClient(HermesBridgeClient.SafeHttpClientName).AddResilienceHandler("hermes-bridge-safe", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Exception is HttpRequestException
                || args.Outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError }),
        }));
        services.TryAddSingleton<HermesBridgeClient>();
        services.TryAddSingleton(sp => new HermesBridgeTransport(sp.GetRequiredService<HermesBridgeClient>(), sp.GetService<BridgeRecentChats>()));
        services.TryAddSingleton<IMessageTransport>(sp => sp.GetRequiredService<HermesBridgeTransport>());
        services.TryAddSingleton<IMessageSender>(sp => sp.GetRequiredService<IMessageTransport>());
        services.AddGatedSender();
        return services;
    }

    /// <summary>
    /// Adds the gateway loop (<see cref="ServiceGateway"/>, run by a hosted service: <c>AddServiceGateway</c>) over the
    /// bridge, routing delivered messages to <typeparamref name="TAgent"/>, and the bridge's recent chats for discovery
    /// (its <c>/chats</c>, else the chats seen in received messages) unless the host registered its own source. Register
    /// the policy (<c>AddServiceConversationPolicy</c>) first: its hosted service opens the policy before the gateway
    /// starts. <see cref="ServiceGatewayOptions.JournalDirectory"/> is required; the bridge's session folder (LID
    /// mappings) is <see cref="HermesBridgeOptions.SessionDirectory"/>.
    /// </summary>
    public static IServiceCollection AddHermesBridgeGateway<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TAgent>(this IServiceCollection services, Action<ServiceGatewayOptions> configure)
        where TAgent : class, IServiceAgent
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddHermesBridge();
        services.TryAddSingleton<BridgeRecentChats>();
        if (services.FirstOrDefault(d => d.ServiceType == typeof(Hermes.ServicePolicy.Discovery.IRecentChatSource)) is { ImplementationType: { } implementation } existing
            && implementation == typeof(Hermes.ServicePolicy.Discovery.InMemoryRecentChatSource))
        {
            services.Remove(existing); // the policy package's default placeholder
        }

        services.TryAddSingleton<Hermes.ServicePolicy.Discovery.IRecentChatSource>(sp => sp.GetRequiredService<BridgeRecentChats>());
        return services.AddServiceGateway<TAgent>(configure);
    }
}
