using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Gateway;

/// <summary>The transport-neutral gated sender over the in-memory transport (both targets: no HTTP needed).</summary>
public class GatedSenderTests
{
    [Test]
    public async Task Only_a_permit_reaches_the_transport_and_its_outcome_is_reported()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Vodafone);
        var transport = new InMemoryTransport();
        var sender = new GatedSender(h.Policy, transport, h.Time, h.Policy);

        var draft = await sender.SendAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Operator));
        var denied = await sender.SendAsync(new OutboundRequest(Id(Orange), "x", Initiator.Agent));
        var sent = await sender.SendAsync(new OutboundRequest(Id(Vodafone), "¿Novedades?", Initiator.Agent));

        Assert.That((draft.Decision.Outcome, draft.Report), Is.EqualTo((OutboundOutcome.Draft, (SendReport?)null)));
        Assert.That(denied.Decision.Reason, Is.EqualTo(ReasonCode.AgentInitiatedNotAllowed));
        Assert.That(transport.Sent.Select(m => (m.Chat, m.Text, m.Send)), Is.EqualTo(new[] { (Id(Vodafone), "¿Novedades?", sent.Decision.Send) }), "one message: the permit's chat, text and send id");
        Assert.That((sent.Delivered, sent.Confirmation?.Ok), Is.EqualTo((true, true)));
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.MessageSent).TransportMessageId, Is.EqualTo("mem-1"));
    }

    [Test]
    public async Task A_transport_that_throws_is_reported_unknown_and_the_send_counts()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.MakeAutonomousAsync(Vodafone);
        var transport = new InMemoryTransport { Respond = _ => throw new InvalidOperationException("socket gone after the write") };
        var sender = new GatedSender(h.Policy, transport, h.Time);

        var result = await sender.SendAsync(new OutboundRequest(Id(Vodafone), "uno", Initiator.Agent));

        Assert.That(result.Report?.Outcome, Is.EqualTo(SendOutcome.Unknown), "it may have gone out");
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.SendUnknown).Error, Is.EqualTo("the transport threw InvalidOperationException"), "the type, never the host's message");
        var next = await sender.SendAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Agent));
        Assert.That((next.Decision.Reason, transport.Sent.Count), Is.EqualTo((ReasonCode.HourlySendLimit, 1)), "an unknown send took the hour's only slot");
    }

    [Test]
    public async Task A_failed_first_contact_gives_its_daily_slot_back_and_its_draft_waits_again()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 1);
        var transport = new InMemoryTransport { Respond = _ => SendReport.Failed("not connected") };
        var sender = new GatedSender(h.Policy, transport, h.Time);
        var draft = await h.SendAsync(Movistar, "Hola", transport: null);

        var failed = await sender.TransportAsync(await h.Policy.ApproveDraftAsync(draft.Draft, "owner"));
        Assert.That(failed.Report?.Outcome, Is.EqualTo(SendOutcome.Failed));
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.SendFailed).Error, Is.EqualTo("not connected"));
        Assert.That(h.Policy.GetPendingDrafts().Single().Id, Is.EqualTo(draft.Draft));

        transport.Respond = null;
        var sent = await sender.TransportAsync(await h.Policy.ApproveDraftAsync(draft.Draft, "owner"));
        Assert.That((sent.Delivered, transport.Sent.Count), Is.EqualTo((true, 2)), "the day's only new-chat slot was given back");
    }

    [Test]
    public async Task A_permit_handed_over_twice_is_sent_once()
    {
        await using var h = await CreateAsync();
        var transport = new InMemoryTransport();
        var sender = new GatedSender(h.Policy, transport, h.Time);
        var draft = await h.SendAsync(Movistar, "Hola", transport: null);
        var permit = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");

        var first = await sender.TransportAsync(permit);
        var second = await sender.TransportAsync(permit);

        Assert.That((first.Delivered, second.Refused, second.Confirmation?.Reason), Is.EqualTo((true, true, (ReasonCode?)ReasonCode.UnknownSend)));
        Assert.That(transport.Sent, Has.Count.EqualTo(1));
        Assert.That(() => sender.TransportAsync(draft), Throws.ArgumentException, "a draft is not a permit");
    }

    [Test]
    public async Task The_message_carries_the_chats_other_identity_when_the_policy_knows_it()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True);
        var transport = new InMemoryTransport();

        await new GatedSender(h.Policy, transport, h.Time, h.Policy).SendAsync(new OutboundRequest(Id(Movistar), "uno", Initiator.Agent));
        await new GatedSender(h.Policy, transport, h.Time).SendAsync(new OutboundRequest(Id(Movistar), "dos", Initiator.Agent));

        Assert.That(transport.Sent.Select(m => (m.Chat, m.Alias)), Is.EqualTo(new[] { (Id(Movistar), Id(MovistarLid)), (Id(Movistar), default) }), "without the policy's queries the alias is empty");
    }

    [Test]
    public async Task A_permit_cancelled_behind_a_chats_earlier_send_reports_failed_and_sends_nothing()
    {
        await using var h = await CreateAsync(o => { o.SendJitterSeconds = 60; o.MaxConsecutiveAgentSendsWithoutReply = 10; }, random: new FixedRandom(40, 0));
        await h.MakeAutonomousAsync(Vodafone);
        var transport = new InMemoryTransport();
        var sender = new GatedSender(h.Policy, transport, h.Time);
        using var stop = new CancellationTokenSource();

        var first = await sender.ScheduleAsync(new OutboundRequest(Id(Vodafone), "uno", Initiator.Agent));
        var second = await sender.ScheduleAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Agent), stop.Token);
        await stop.CancelAsync();

        Assert.That(async () => await second.Completion.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.SendFailed).Error, Does.Contain("earlier sends"));
        h.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.That((await first.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Delivered, Is.True);
        Assert.That(transport.Sent.Select(m => m.Text), Is.EqualTo(new[] { "uno" }));
        Assert.That(() => sender.BusyLanes, Is.Zero.After(5000, 10));
    }

    [Test]
    public void A_message_needs_a_chat_and_a_text()
    {
        Assert.That(() => new OutgoingMessage(default, "x", default), Throws.ArgumentException);
        Assert.That(() => new OutgoingMessage(Id(Movistar), "", default), Throws.ArgumentException);
        Assert.That(() => new GatedSender(null!, new InMemoryTransport(), TimeProvider.System), Throws.ArgumentNullException);
    }
}
