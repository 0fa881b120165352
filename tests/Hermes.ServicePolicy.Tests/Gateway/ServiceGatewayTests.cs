using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Journal;
using Hermes.ServicePolicy.Gateway.Routing;
using Hermes.ServicePolicy.Gateway.Transport;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Gateway;

/// <summary>
/// The transport-neutral gateway loop over the in-memory transport, round by round (both targets; no HTTP, no host): what
/// any transport gets from it. The Hermes bridge's own tests run the same loop over the fake bridge.
/// </summary>
public class ServiceGatewayTests
{
    private const string Owner = "34611222333@s.whatsapp.net";
    private string _journal = null!;
    private List<GatewayActivity> _activity = null!;

    [SetUp]
    public void SetUp()
    {
        _journal = Directory.CreateTempSubdirectory("hermes-service-gateway-").FullName;
        _activity = [];
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_journal, recursive: true);

    [Test]
    public async Task A_service_reply_reaches_the_agent_once_and_an_unknown_chat_is_never_answered()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Vodafone]);
        var transport = new InMemoryTransport();
        var agent = new Agent();
        using (var gateway = Open(h, transport, agent))
        {
            transport.Deliver(Message(Movistar, "m1", "¿Quién es?"));
            transport.Deliver(Message(Vodafone, "m2", "Su factura está lista"));
            transport.Deliver(Message(Vodafone, "m2", "Su factura está lista")); // a re-delivery
            await gateway.RunOnceAsync(default);
        }

        using (var restarted = Open(h, transport, agent))
        {
            transport.Deliver(Message(Vodafone, "m2", "Su factura está lista")); // re-delivered after a restart
            await restarted.RunOnceAsync(default);
        }

        Assert.That(agent.Service.Select(m => (m.Chat, m.MessageId)), Is.EqualTo(new[] { (Id(Vodafone), "m2") }));
        Assert.That(_activity.Where(a => a.Kind == "decision").Select(a => (a.Chat, a.Outcome, a.Detail)), Is.EqualTo(new[]
        {
            (Movistar, "blocked", (string?)"unknown_chat"),
            (Vodafone, "delivered", null),
        }));
        Assert.That(transport.Sent, Is.Empty, "nothing goes back to an unknown chat");
    }

    [Test]
    public async Task An_owner_command_is_answered_through_the_transport_without_a_permit_and_its_permit_goes_through_the_gated_sender()
    {
        await using var h = await CreateAsync(o => o.OperatorChats = [Owner]);
        var draft = await h.SendAsync(Movistar, "Hola, ¿me ayudan con mi factura?");
        var transport = new InMemoryTransport();
        using var gateway = Open(h, transport, new Agent());
        await gateway.RunOnceAsync(default); // the draft's notice

        transport.Deliver(Message(Owner, "c1", $"/service approve {draft.Handle}"));
        await gateway.RunOnceAsync(default);
        await WaitUntilAsync(() => _activity.Any(a => a.Kind == "send"));

        var sent = transport.Sent;
        Assert.That(sent.Count(m => m.Chat == Id(Owner) && m.Text.Contains(draft.Handle!, StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1), "the notice names the draft");
        Assert.That(sent.Where(m => m.Chat == Id(Owner)).Select(m => m.Send.IsEmpty), Is.All.True, "the gateway's own words carry no permit");
        var toProvider = sent.Single(m => m.Chat == Id(Movistar));
        Assert.That((toProvider.Text, toProvider.Send.IsEmpty), Is.EqualTo(("Hola, ¿me ayudan con mi factura?", false)));
        Assert.That(_activity.Single(a => a.Kind == "send").Outcome, Is.EqualTo("delivered"));
    }

    [Test]
    public async Task A_lost_connection_is_reported_once_notices_wait_and_rounds_back_off()
    {
        await using var h = await CreateAsync(o => o.OperatorChats = [Owner]);
        var transport = new InMemoryTransport { IsConnected = false };
        using var gateway = Open(h, transport, new Agent());
        await h.SendAsync(Movistar, "Hola");

        for (var i = 0; i < 4; i++)
        {
            await gateway.RunOnceAsync(default);
        }

        Assert.That(_activity.Count(a => a.Kind == "transport"), Is.EqualTo(1));
        Assert.That(_activity.Count(a => a.Kind == "poll_failed"), Is.EqualTo(1), "once per outage, not once per round");
        Assert.That(transport.Sent, Is.Empty, "no notice is thrown at a transport that is down");

        transport.IsConnected = true;
        await gateway.RunOnceAsync(default);
        Assert.That(_activity.Where(a => a.Kind == "transport").Select(a => a.Outcome), Is.EqualTo(new[] { "disconnected", "connected" }));
        Assert.That(transport.Sent.Select(m => m.Chat), Is.EqualTo(new[] { Id(Owner) }), "the notice goes once the transport is back");
    }

    [Test]
    public async Task A_notice_whose_send_is_unknown_is_offered_again_marked_as_possibly_repeated()
    {
        await using var h = await CreateAsync(o => o.OperatorChats = [Owner]);
        var draft = await h.SendAsync(Movistar, "Hola");
        var transport = new InMemoryTransport { Respond = _ => SendReport.Unknown("the connection was reset") };
        using var gateway = Open(h, transport, new Agent());

        await gateway.RunOnceAsync(default);
        transport.Respond = null;
        await gateway.RunOnceAsync(default);

        var texts = transport.Sent.Select(m => m.Text).ToList();
        Assert.That(texts, Has.Count.EqualTo(2));
        Assert.That(texts[1], Does.StartWith(OwnerNotices.MayRepeat + "\n").And.Contain(draft.Handle!));
        Assert.That(_activity.Where(a => a.Kind == "notice").Select(a => (a.Outcome, a.Detail)), Is.EqualTo(new[]
        {
            ("unknown", (string?)"the connection was reset"),
            ("draft_created", draft.Handle),
        }));
    }

    [Test]
    public async Task A_transport_that_throws_fails_the_round_and_is_reported_with_its_type()
    {
        await using var h = await CreateAsync();
        using var gateway = Open(h, new ThrowingTransport(), new Agent());

        await gateway.RunOnceAsync(default);

        Assert.That(_activity.Single(a => a.Kind == "poll_failed").Detail, Does.StartWith("IOException: "));
        Assert.That(_activity.Single(a => a.Kind == "transport").Outcome, Is.EqualTo("disconnected"));
    }

    [Test]
    public async Task Bad_options_and_a_damaged_journal_stop_the_open_naming_what_is_wrong()
    {
        await using var h = await CreateAsync();
        var transport = new InMemoryTransport();
        Assert.That(() => ServiceGateway.Open(h.Policy, transport, new Agent(), new ServiceGatewayOptions()), Throws.InvalidOperationException.With.Message.Contains("JournalDirectory"));
        Assert.That(() => ServiceGateway.Open(h.Policy, transport, new Agent(), new ServiceGatewayOptions { JournalDirectory = _journal, MaxAttempts = 0 }), Throws.InvalidOperationException.With.Message.Contains("MaxAttempts"));
        Assert.That(() => ServiceGateway.Open(h.Policy, transport, new Agent(), new ServiceGatewayOptions { JournalDirectory = _journal, PollInterval = TimeSpan.Zero }), Throws.InvalidOperationException.With.Message.Contains("PollInterval"));

        await File.WriteAllTextAsync(Path.Combine(_journal, InboundJournal.FileName), "not a journal\nnor this\n");
        Assert.That(() => Open(h, transport, new Agent()), Throws.TypeOf<InboundJournalCorruptedException>());
    }

    private ServiceGateway Open(PolicyHarness h, IMessageTransport transport, IServiceAgent agent)
        => ServiceGateway.Open(h.Policy, transport, agent, new ServiceGatewayOptions { JournalDirectory = _journal, OnActivity = a => { lock (_activity) { _activity.Add(a); } } }, time: h.Time);

    private static IncomingMessage Message(string chat, string id, string body)
        => new() { ChatId = chat, MessageId = id, Body = body };

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !Locked(condition); i++)
        {
            await Task.Delay(25);
        }

        Assert.That(Locked(condition), Is.True, "the gateway did not report it in 5 s");
    }

    private bool Locked(Func<bool> condition)
    {
        lock (_activity)
        {
            return condition();
        }
    }

    private sealed class Agent : IServiceAgent
    {
        public ConcurrentQueue<ServiceMessage> Service { get; } = new();

        public ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken)
        {
            Service.Enqueue(message);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnOwnerTypedAsync(OwnerTypedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class ThrowingTransport : IMessageTransport
    {
        public ValueTask<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken) => throw new IOException("the socket closed");

        public ValueTask<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken) => throw new IOException("no answer");

        public ValueTask<SendReport> SendTextAsync(OutgoingMessage message, CancellationToken cancellationToken) => throw new IOException("no answer");
    }
}
