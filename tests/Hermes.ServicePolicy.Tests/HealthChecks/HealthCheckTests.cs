using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.HealthChecks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.HealthChecks;

/// <summary>The policy's health through the host's own health-check service: what fails closed is unhealthy.</summary>
public class HealthCheckTests
{
    [Test]
    public async Task A_policy_that_decides_is_healthy_and_outbound_never_is_degraded()
    {
        await using var provider = await StartAsync(new InMemoryServiceStateStore(), [new("whatsapp:service_conversations:enabled", "true")]);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var entry = report.Entries[ServiceConversationHealthChecks.DefaultName];
        Assert.That((entry.Status, entry.Description, entry.Data["enabled"]), Is.EqualTo((HealthStatus.Healthy, "deciding; the state store answers", (object)true)));

        var policy = provider.GetRequiredService<ServiceConversationPolicy>();
        await policy.ApplyConfigurationAsync([new("enabled", "true"), new("outbound", "never")]);
        entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[ServiceConversationHealthChecks.DefaultName];
        Assert.That((entry.Status, entry.Description), Is.EqualTo((HealthStatus.Degraded, "outbound: never: every outbound decision is denied (inbound works)")));
    }

    [Test]
    public async Task A_store_that_cannot_be_read_is_unhealthy_and_the_failure_status_is_the_hosts()
    {
        var store = new UnreadableStore();
        await using var provider = await StartAsync(store, [new("whatsapp:service_conversations:enabled", "true")], HealthStatus.Degraded);
        store.Broken = true;

        var entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[ServiceConversationHealthChecks.DefaultName];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded), "the registration's failure status");
        Assert.That(entry.Description, Does.StartWith("the state store cannot be read (IOException)"));
        Assert.That(entry.Exception, Is.TypeOf<IOException>());
    }

    [Test]
    public async Task A_policy_with_the_feature_off_is_healthy_and_says_so()
    {
        await using var policy = await new ServiceConversationPolicyBuilder().UseInMemoryState().BuildAsync();
        var report = await policy.CheckHealthAsync();
        Assert.That((report.Status, report.Description), Is.EqualTo((PolicyHealthStatus.Healthy, "the feature is off: every message is blocked, as configured")));
    }

    private static async Task<ServiceProvider> StartAsync(IServiceStateStore store, KeyValuePair<string, string?>[] settings, HealthStatus? failureStatus = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(store);
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        services.AddHealthChecks().Add(ServiceConversationHealthChecks.Registration(failureStatus: failureStatus));
        var provider = services.BuildServiceProvider();
        await provider.StartServiceConversationPolicyAsync();
        return provider;
    }

    /// <summary>An in-memory store whose reads fail on demand (a disk or database that went away).</summary>
    private sealed class UnreadableStore : Tests.State.DelegatingStateStore
    {
        public bool Broken { get; set; }

        public override IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, CancellationToken cancellationToken = default)
            => Broken ? throw new IOException("Input/output error") : base.ReadAsync(afterPosition, cancellationToken);
    }
}
