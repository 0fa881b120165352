using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hermes.ServicePolicy.HealthChecks;

/// <summary>
/// The policy's health (<see cref="ServiceConversationPolicy.CheckHealthAsync"/>) as a health check: unhealthy while it
/// fails closed (the state store cannot be read, the counters cannot be saved), degraded under <c>outbound: never</c> or
/// with audit sinks far behind, healthy otherwise (the feature off included).
/// </summary>
public sealed class ServiceConversationHealthCheck : IHealthCheck
{
    private readonly ServiceConversationPolicy _policy;

    /// <summary>Creates the check over <paramref name="policy"/>.</summary>
    public ServiceConversationHealthCheck(ServiceConversationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await _policy.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["enabled"] = _policy.IsEnabled,
            ["audit_backlog"] = _policy.AuditBacklog,
            ["chats"] = _policy.ChatCount,
        };
        return report.Status switch
        {
            PolicyHealthStatus.Healthy => HealthCheckResult.Healthy(report.Description, data),
            PolicyHealthStatus.Degraded => HealthCheckResult.Degraded(report.Description, report.Error, data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, report.Description, report.Error, data),
        };
    }
}

/// <summary>Registrations of the policy's health checks, for <c>services.AddHealthChecks().Add(…)</c>.</summary>
public static class ServiceConversationHealthChecks
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "hermes_service_policy";

    /// <summary>
    /// The registration of <see cref="ServiceConversationHealthCheck"/> over the container's policy (opened by the
    /// Microsoft.Extensions package's host): <c>builder.Services.AddHealthChecks().Add(ServiceConversationHealthChecks.Registration())</c>.
    /// </summary>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What an unhealthy policy reports (default <see cref="HealthStatus.Unhealthy"/>).</param>
    /// <param name="tags">Tags to filter checks by (for example <c>ready</c>).</param>
    /// <param name="timeout">How long the check may take (default: the health-check service's).</param>
    public static HealthCheckRegistration Registration(string name = DefaultName, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new HealthCheckRegistration(
            name,
            static services => new ServiceConversationHealthCheck(services.GetRequiredService<ServiceConversationPolicy>()),
            failureStatus,
            tags,
            timeout);
    }
}
