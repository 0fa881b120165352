using System;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Hermes.ServicePolicy.PostgreSql;

/// <summary>Puts a policy's state on PostgreSQL, for the builder and for Microsoft.Extensions.DependencyInjection.</summary>
public static class PostgreSqlStateRegistration
{
    /// <summary>Uses <paramref name="store"/> as the policy's state (the caller disposes it after the policy).</summary>
    public static ServiceConversationPolicyBuilder UsePostgreSqlState(this ServiceConversationPolicyBuilder builder, PostgreSqlServiceStateStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        return builder.WithStateStore(store);
    }

    /// <summary>
    /// Registers a <see cref="PostgreSqlServiceStateStore"/> as the policy's state: over the <see cref="NpgsqlDataSource"/>
    /// already registered when there is one, otherwise over the connection string named <paramref name="connectionStringName"/>
    /// in <c>ConnectionStrings</c>. The container disposes it.
    /// </summary>
    public static IServiceCollection AddServiceConversationPostgreSqlState(this IServiceCollection services, string connectionStringName = "ServicePolicy", Action<PostgreSqlStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringName);
        var options = new PostgreSqlStateOptions();
        configure?.Invoke(options);
        options.Validated();
        services.RemoveAll<IServiceStateStore>();
        services.TryAddSingleton(provider =>
        {
            if (provider.GetService<NpgsqlDataSource>() is { } dataSource)
            {
                return new PostgreSqlServiceStateStore(dataSource, options);
            }

            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString(connectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"No NpgsqlDataSource is registered and ConnectionStrings:{connectionStringName} is empty; the policy's state has nowhere to go.");
            }

            return PostgreSqlServiceStateStore.Create(connectionString, options);
        });
        services.AddSingleton<IServiceStateStore>(provider => provider.GetRequiredService<PostgreSqlServiceStateStore>());
        return services;
    }
}
