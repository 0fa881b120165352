using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

public class MetricsTests
{
    [Test]
    public async Task Decisions_events_limit_hits_and_send_outcomes_are_counted_on_the_hosts_meter_with_stable_tags()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var decisions = new MetricCollector<long>(meters, ServiceConversationMetrics.MeterName, ServiceConversationMetrics.DecisionsInstrument);
        using var events = new MetricCollector<long>(meters, ServiceConversationMetrics.MeterName, ServiceConversationMetrics.EventsInstrument);
        using var limits = new MetricCollector<long>(meters, ServiceConversationMetrics.MeterName, ServiceConversationMetrics.LimitHitsInstrument);
        using var sends = new MetricCollector<long>(meters, ServiceConversationMetrics.MeterName, ServiceConversationMetrics.SendOutcomesInstrument);
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, MaxConsecutiveAgentSendsWithoutReply = 1 })
            .UseInMemoryState()
            .WithTimeProvider(new FakeTimeProvider(Start))
            .WithMeterFactory(meters)
            .BuildAsync();

        await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        var permit = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Agent));
        await policy.ConfirmSendAsync(permit.Send, SendReport.Delivered("wamid.1"));
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "otra", Initiator.Agent));
        await policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"));
        await policy.DecideInboundAsync(new InboundMessage(Id(Orange), "hola"));
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "hola", Initiator.Operator));
        var approved = await policy.ApproveDraftAsync(draft.Draft, "owner");
        await policy.ConfirmSendAsync(approved.Send, SendReport.Failed("503 not connected"));

        var decided = decisions.GetMeasurementSnapshot().Select(m => (Tag(m, "hermes.direction"), Tag(m, "hermes.outcome"), Tag(m, "hermes.reason"))).ToList();
        Assert.That(decided, Does.Contain(("outbound", "sent", "none")));
        Assert.That(decided, Does.Contain(("outbound", "denied", "consecutive_sends_without_reply")));
        Assert.That(decided, Does.Contain(("inbound", "delivered", "none")));
        Assert.That(decided, Does.Contain(("inbound", "blocked", "unknown_chat")));
        Assert.That(decided, Does.Contain(("outbound", "draft", "none")));
        Assert.That(decided, Does.Contain(("approval", "sent", "none")));
        Assert.That(limits.GetMeasurementSnapshot().Select(m => Tag(m, "hermes.limit")), Is.EqualTo(new[] { "consecutive_sends_without_reply" }));
        Assert.That(events.GetMeasurementSnapshot().Select(m => Tag(m, "hermes.event")), Is.SupersetOf(new[] { "chat_approved", "message_sent", "first_contact_drafted", "first_contact_approved", "send_failed" }));
        Assert.That(sends.GetMeasurementSnapshot().Select(m => Tag(m, "hermes.outcome")), Is.EqualTo(new[] { "delivered", "failed" }));
    }

    [Test]
    public async Task Two_policies_with_their_own_meter_factories_do_not_count_each_others_decisions()
    {
        using var first = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var second = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var collector = new MetricCollector<long>(first.GetRequiredService<IMeterFactory>(), ServiceConversationMetrics.MeterName, ServiceConversationMetrics.DecisionsInstrument);
        await using var counted = await Build(first.GetRequiredService<IMeterFactory>());
        await using var other = await Build(second.GetRequiredService<IMeterFactory>());

        await other.DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"));
        Assert.That(collector.GetMeasurementSnapshot(), Is.Empty);
        await counted.DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"));
        Assert.That(collector.GetMeasurementSnapshot(), Has.Count.EqualTo(1));

        static ValueTask<ServiceConversationPolicy> Build(IMeterFactory meters) => new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true })
            .UseInMemoryState()
            .WithTimeProvider(new FakeTimeProvider(Start))
            .WithMeterFactory(meters)
            .BuildAsync();
    }

    private static string? Tag(CollectedMeasurement<long> measurement, string name)
        => measurement.Tags.TryGetValue(name, out var value) ? value as string : null;
}
