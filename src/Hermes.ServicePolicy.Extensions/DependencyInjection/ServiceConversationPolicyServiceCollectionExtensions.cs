using System;
using System.Linq;
using System.Threading;
using Hermes.ServicePolicy;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Extensions.Configuration;
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
using Microsoft.Extensions.Primitives;

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

    private static IServiceCollection AddCore(this IServiceCollection services)
    {
        services.AddOptions<ServiceConversationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceConversationOptions>, ServiceConversationOptionsValidation>());
        if (services.Any(d => d.ServiceType == typeof(ServiceConversationPolicy)))
        {
            return services; // idempotent: the second call only adds its configuration
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServiceStateStore>(sp => FileServiceStateStore.Open(
            FileServiceStateStore.ResolveDirectory(sp.GetRequiredService<IOptions<ServiceConversationOptions>>().Value.StateDirectory)));
        services.TryAddSingleton<IRateLimiter, SlidingLogRateLimiter>();
        services.TryAddSingleton<IRecentChatSource, InMemoryRecentChatSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, LoggerAuditSink>(sp =>
            new LoggerAuditSink((sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Hermes.ServicePolicy.Audit"))));
        services.AddSingleton(CreatePolicy);
        services.TryAddSingleton<IServiceConversationPolicy>(sp => sp.GetRequiredService<ServiceConversationPolicy>());
        services.TryAddSingleton<IKnownChatSource>(sp => sp.GetRequiredService<ServiceConversationPolicy>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceConversationPolicy>().Directory);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceConversationPolicy>().Resolver);
        return services;
    }

    private static ServiceConversationPolicy CreatePolicy(IServiceProvider services)
    {
        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Hermes.ServicePolicy");
        var options = services.GetRequiredService<IOptions<ServiceConversationOptions>>().Value; // validates: throws OptionsValidationException
        var builder = new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithStateStore(services.GetRequiredService<IServiceStateStore>())
            .WithRateLimiter(services.GetRequiredService<IRateLimiter>())
            .WithTimeProvider(services.GetRequiredService<TimeProvider>())
            .WithRecentChatSource(services.GetRequiredService<IRecentChatSource>())
            .OnFailure(failure => PolicyLog.Failure(logger, failure));
        if (services.GetService<INationalNumberParser>() is { } nationalNumbers)
        {
            builder.WithNationalNumberParser(nationalNumbers);
        }

        foreach (var sink in services.GetServices<IAuditSink>())
        {
            builder.AddAuditSink(sink);
        }

        // Building replays the durable log; it completes synchronously for the default stores.
        var policy = builder.BuildAsync().AsTask().GetAwaiter().GetResult();
        if (services.GetService<ServiceConversationConfiguration>() is { } configuration)
        {
            WatchForChanges(policy, configuration, logger);
        }

        return policy;
    }

    private static string Snapshot(ServiceConversationConfiguration configuration)
    {
        var pairs = configuration.Values().Where(p => p.Value is not null).Select(p => $"{p.Key}\u0001{p.Value}").Order(StringComparer.Ordinal);
        return string.Join('\u0002', pairs);
    }

    /// <summary>
    /// Applies each change of the section through the policy, which validates it, swaps it in atomically and audits
    /// it. Reloads never throw into the configuration provider's change callback.
    /// </summary>
    private static void WatchForChanges(ServiceConversationPolicy policy, ServiceConversationConfiguration configuration, ILogger logger)
    {
        var reloads = new SemaphoreSlim(1, 1);
        var applied = Snapshot(configuration);
        ChangeToken.OnChange(configuration.Section.GetReloadToken, () =>
        {
            _ = ReloadAsync();
        });

        async System.Threading.Tasks.Task ReloadAsync()
        {
            await reloads.WaitAsync().ConfigureAwait(false);
            try
            {
                // File watchers often report one save as several changes: an unchanged section is not applied again.
                var current = Snapshot(configuration);
                if (string.Equals(current, applied, StringComparison.Ordinal))
                {
                    return;
                }

                applied = current;
                var result = await policy.ApplyConfigurationAsync(configuration.Values()).ConfigureAwait(false);
                if (result.Accepted)
                {
                    PolicyLog.Reloaded(logger);
                }
                else if (result.Error is { } error)
                {
                    PolicyLog.ReloadFailed(logger, error);
                }
                else
                {
                    PolicyLog.ReloadRefused(logger, result.Describe());
                }
            }
#pragma warning disable CA1031 // A reload must never crash the process; it is logged and the last good configuration stays.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PolicyLog.ReloadFailed(logger, ex);
            }
            finally
            {
                reloads.Release();
            }
        }
    }
}
