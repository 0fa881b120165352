using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

[NonParallelizable]
public class MetricsTests
{
    [Test]
    public async Task Decisions_events_and_limit_hits_are_counted_with_stable_tags()
    {
        var measurements = new ConcurrentBag<(string Instrument, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServiceConversationMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var map = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value as string;
            }

            measurements.Add((instrument.Name, map));
        });
        listener.Start();

        using var h = await CreateAsync(o => o.MaxConsecutiveAgentSendsWithoutReply = 1);
        await h.MakeAutonomousAsync(Movistar);
        await h.SendAsync(Movistar, initiator: Initiator.Agent);
        await h.SendAsync(Movistar, initiator: Initiator.Agent);
        await h.InboundAsync(Movistar);
        await h.InboundAsync(Orange);
        var draft = await h.SendAsync(Vodafone);
        await h.Policy.ApproveDraftAsync(draft.Draft, "owner");

        var decisions = measurements.Where(m => m.Instrument == ServiceConversationMetrics.DecisionsInstrument).Select(m => (m.Tags["hermes.direction"], m.Tags["hermes.outcome"], m.Tags["hermes.reason"])).ToList();
        Assert.That(decisions, Does.Contain(("outbound", "sent", "none")));
        Assert.That(decisions, Does.Contain(("outbound", "denied", "consecutive_sends_without_reply")));
        Assert.That(decisions, Does.Contain(("inbound", "delivered", "none")));
        Assert.That(decisions, Does.Contain(("inbound", "blocked", "unknown_chat")));
        Assert.That(decisions, Does.Contain(("outbound", "draft", "none")));
        Assert.That(decisions, Does.Contain(("approval", "sent", "none")));
        Assert.That(measurements.Where(m => m.Instrument == ServiceConversationMetrics.LimitHitsInstrument).Select(m => m.Tags["hermes.limit"]), Is.EqualTo(new[] { "consecutive_sends_without_reply" }));
        var events = measurements.Where(m => m.Instrument == ServiceConversationMetrics.EventsInstrument).Select(m => m.Tags["hermes.event"]).ToList();
        Assert.That(events, Does.Contain("chat_approved").And.Contain("first_contact_drafted").And.Contain("first_contact_sent"));
    }
}
