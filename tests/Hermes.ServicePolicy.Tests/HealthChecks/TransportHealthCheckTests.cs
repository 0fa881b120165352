using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.HealthChecks;

/// <summary>The transport's connection as a health check: degraded while down or unknown, never unhealthy.</summary>
public class TransportHealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Unknown_and_disconnected_are_degraded_connected_is_healthy_and_a_change_keeps_its_time()
    {
        var status = new TransportStatus();
        await using var provider = new ServiceCollection().AddSingleton(status).AddLogging().AddHealthChecks().Add(TransportHealthCheck.Registration()).Services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        async Task<HealthReportEntry> CheckAsync() => (await health.CheckHealthAsync()).Entries[TransportHealthCheck.DefaultName];

        Assert.That(((await CheckAsync()).Status, (await CheckAsync()).Description), Is.EqualTo((HealthStatus.Degraded, "not checked yet")));
        status.Set(TransportState.Disconnected, "WhatsApp is not connected", Start);
        status.Set(TransportState.Disconnected, "WhatsApp is not connected", Start.AddMinutes(1));
        var down = await CheckAsync();
        Assert.That((down.Status, down.Description, down.Data["since"]), Is.EqualTo((HealthStatus.Degraded, "disconnected: WhatsApp is not connected; messages wait until it is back", (object)"2026-12-07T09:00:00.0000000Z")));
        status.Set(TransportState.Connected, "ignored", Start.AddMinutes(2));
        Assert.That(((await CheckAsync()).Status, status.Detail, status.Since), Is.EqualTo((HealthStatus.Healthy, (string?)null, (DateTimeOffset?)Start.AddMinutes(2))));
        Assert.That(() => status.Set(TransportState.Unknown, null, Start), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
