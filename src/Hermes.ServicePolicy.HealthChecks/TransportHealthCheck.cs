using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hermes.ServicePolicy.HealthChecks;

/// <summary>
/// The transport's connection (<see cref="TransportStatus"/>, which the transport keeps) as a health check: healthy when
/// connected, degraded when disconnected (with the transport's words) or not checked yet. Never unhealthy: the policy
/// still decides, messages wait, and the gateway reconnects by itself; an orchestrator should not restart it for that.
/// </summary>
public sealed class TransportHealthCheck : IHealthCheck
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "hermes_transport";

    private readonly TransportStatus _status;

    /// <summary>Creates the check over <paramref name="status"/>.</summary>
    public TransportHealthCheck(TransportStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _status = status;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (state, detail, since) = (_status.State, _status.Detail, _status.Since);
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["state"] = state.ToString().ToLowerInvariant() };
        if (since is { } changed)
        {
            data["since"] = changed.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return Task.FromResult(state switch
        {
            TransportState.Connected => HealthCheckResult.Healthy("connected", data),
            TransportState.Disconnected => HealthCheckResult.Degraded("disconnected: " + (detail ?? "no reason given") + "; messages wait until it is back", null, data),
            _ => HealthCheckResult.Degraded("not checked yet", null, data),
        });
    }

    /// <summary>
    /// The registration of the check over the container's <see cref="TransportStatus"/> (registered by the transport,
    /// for example <c>AddServiceGateway</c> or <c>AddHermesBridgeGateway</c>): <c>builder.Services.AddHealthChecks().Add(TransportHealthCheck.Registration())</c>.
    /// </summary>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    public static HealthCheckRegistration Registration(string name = DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new HealthCheckRegistration(name, static services => new TransportHealthCheck(services.GetRequiredService<TransportStatus>()), HealthStatus.Degraded, tags);
    }
}
