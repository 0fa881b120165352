using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Checks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Extensions.Configuration;
using Hermes.ServicePolicy.Extensions.Hosting;
using Hermes.ServicePolicy.Extensions.Logging;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the service-conversation policy in a <see cref="IServiceCollection"/>.</summary>
public static class ServiceConversationPolicyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the policy configured from <paramref name="section"/>, the <c>whatsapp:service_conversations</c> section
    /// (pass <c>configuration.GetSection("whatsapp:service_conversations")</c>). Keys bind in the source document's
    /// snake_case and as PascalCase property names; an invalid configuration fails at start naming the key and the
    /// value. A later change of the section is applied as a live reload: state is kept, a valid change is audited
    /// <c>policy_loaded</c>, an invalid one is logged and audited <c>policy_rejected</c> and the last good
    /// configuration stays in force.
    /// </summary>
    public static IServiceCollection AddServiceConversationPolicy(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var configuration = new ServiceConversationConfiguration(section);
        services.AddSingleton(configuration);
        services.AddSingleton<IConfigureOptions<ServiceConversationOptions>>(configuration);
        services.AddSingleton<IValidateOptions<ServiceConversationOptions>>(configuration);
        return services.AddCore();
    }

    /// <summary>Adds the policy configured in code. The options are validated at start.</summary>
    public static IServiceCollection AddServiceConversationPolicy(this IServiceCollection services, Action<ServiceConversationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services.AddCore();
    }

    /// <summary>
    /// Keeps the policy's state in memory instead of the durable file store: for tests only, since a restart then
    /// forgets revocations, approvals and limits.
    /// </summary>
    public static IServiceCollection AddInMemoryServiceConversationState(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IServiceStateStore>();
        services.AddSingleton<IServiceStateStore, InMemoryServiceStateStore>();
        return services;
    }

    /// <summary>
    /// Registers a host check (docs/behaviour.md#host-checks) as a singleton: after the library's rules permitted a send
    /// or an approval, checks run in the order they were registered and can allow, deny (<c>host_denied</c>) or hold
    /// the message as a draft for the owner; a check that throws or times out
    /// (<see cref="ServiceConversationHostOptions.OutboundCheckTimeout"/>) denies. Registering the same type
    /// twice adds it once.
    /// </summary>
    public static IServiceCollection AddOutboundCheck<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TCheck>(this IServiceCollection services)
        where TCheck : class, IOutboundCheck
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboundCheck, TCheck>());
        return services;
    }

    /// <summary>Registers <paramref name="check"/> as a host check, after those registered before it (see <see cref="AddOutboundCheck{TCheck}(IServiceCollection)"/>).</summary>
    public static IServiceCollection AddOutboundCheck(this IServiceCollection services, IOutboundCheck check)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(check);
        services.AddSingleton(check);
        return services;
    }

    /// <summary>
    /// Opens the policy without a generic host (a console tool, a test): what the registered hosted service does at the
    /// host's start. Idempotent. Dispose the provider asynchronously (<c>await using</c>) to close it cleanly.
    /// </summary>
    public static async Task<IServiceConversationPolicy> StartServiceConversationPolicyAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var host = services.GetRequiredService<ServiceConversationPolicyHost>();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return host.Policy;
    }

    private static IServiceCollection AddCore(this IServiceCollection services)
    {
        services.AddOptions<ServiceConversationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceConversationOptions>, ServiceConversationOptionsValidation>());
        if (services.Any(d => d.ServiceType == typeof(ServiceConversationPolicyHost)))
        {
            return services; // idempotent: the second call only adds its configuration
        }

        services.AddOptions<ServiceConversationHostOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServiceStateStore>(sp => FileServiceStateStore.Open(
            FileServiceStateStore.ResolveDirectory(sp.GetRequiredService<IOptions<ServiceConversationOptions>>().Value.StateDirectory)));
        services.TryAddSingleton<IRateLimiter, SlidingLogRateLimiter>();
        services.TryAddSingleton<IRecentChatSource, InMemoryRecentChatSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, LoggerAuditSink>(sp =>
            new LoggerAuditSink((sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Hermes.ServicePolicy.Audit"))));

        // The host opens the policy at start (asynchronously, failing the start on a bad state directory); every
        // interface resolves to the policy it opened, so a component can depend on only the job it needs.
        services.AddSingleton<ServiceConversationPolicyHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ServiceConversationPolicyHost>());
        services.AddHostedService<ServiceConversationSweeper>();
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton<IServiceConversationPolicy>(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton<IServiceConversationGate>(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton<IServiceConversationOperator>(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton<IServiceConversationQueries>(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton<IKnownChatSource>(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy.Directory);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceConversationPolicyHost>().Policy.Resolver);
        services.TryAddSingleton(sp => new Hermes.ServicePolicy.Commands.OperatorCommandProcessor(sp.GetRequiredService<ServiceConversationPolicyHost>().Policy));
        return services;
    }
}
