#if NET10_0_OR_GREATER
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.HermesBridge.Transport;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>The bridge client and the gated sender against the faithful fake bridge (real HTTP on loopback).</summary>
public class HermesBridgeTests
{
    private FakeBridge _bridge = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task SetUp()
    {
        _bridge = await FakeBridge.StartAsync();
        _services = new ServiceCollection()
            .AddHermesBridge(o =>
            {
                o.BaseAddress = _bridge.Address;
                o.SendTimeout = TimeSpan.FromSeconds(2);
            })
            .BuildServiceProvider();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _services.DisposeAsync();
        await _bridge.DisposeAsync();
    }

    private HermesBridgeClient Client => _services.GetRequiredService<HermesBridgeClient>();

    [Test]
    public async Task Health_poll_chat_and_typing_read_the_bridges_shapes()
    {
        var health = await Client.GetHealthAsync();
        Assert.That((health.IsOk, health.Value!.Connected, health.Value.ScriptHash), Is.EqualTo((true, true, "0123456789abcdef")));

        _bridge.Receive(Movistar, "Hola, ¿en qué podemos ayudarle?", "3EB0AAA", "Movistar");
        _bridge.Receive(Movistar, "Hola, ¿en qué podemos ayudarle?", "3EB0AAA", "Movistar"); // a re-delivery: the bridge does not de-duplicate
        var polled = await Client.PollAsync();
        Assert.That(polled.Value!.Select(e => (e.MessageId, e.ChatId, e.SenderName, e.Timestamp)), Is.EqualTo(new[]
        {
            ("3EB0AAA", Movistar, "Movistar", 1_795_000_000L),
            ("3EB0AAA", Movistar, "Movistar", 1_795_000_000L),
        }));
        Assert.That((await Client.PollAsync()).Value, Is.Empty, "the poll is destructive");

        Assert.That((await Client.TypingAsync(Id(Movistar))).Value, Is.True);
        Assert.That((await Client.GetChatAsync(Id(Group))).Value!.IsGroup, Is.True);
    }

    [Test]
    public async Task The_queue_keeps_only_the_newest_100_events()
    {
        for (var i = 0; i < 120; i++)
        {
            _bridge.Receive(Movistar, $"m{i}", $"id{i}");
        }

        var polled = (await Client.PollAsync()).Value!;
        Assert.That(polled.Select(e => e.MessageId), Is.EqualTo(Enumerable.Range(20, 100).Select(i => $"id{i}")));
    }

    [Test]
    public async Task Errors_map_to_typed_results_and_expresss_html_pages_are_read_as_text()
    {
        var chats = await Client.GetChatsJsonAsync(20);
        Assert.That((chats.Status, chats.HttpStatus, chats.Error), Is.EqualTo((BridgeStatus.Refused, 404, "404: Cannot GET /chats")), "not on the bridge's main branch");

        _bridge.Connected = false;
        var sent = await Client.SendTextAsync(Id(Movistar), "hola");
        Assert.That((sent.Status, sent.Error), Is.EqualTo((BridgeStatus.Refused, "503: Not connected to WhatsApp")));

        _bridge.Connected = true;
        _bridge.NextSendFailure = (500, "sendMessage timed out after 60s");
        Assert.That((await Client.SendTextAsync(Id(Movistar), "hola")).Status, Is.EqualTo(BridgeStatus.Unknown));
        Assert.That(() => Client.SendTextAsync(default, "hola"), Throws.ArgumentException, "full JIDs only: a bare number makes the bridge answer 500");
    }

    [Test]
    public async Task A_bridge_that_is_not_listening_is_a_refusal_nothing_was_sent()
    {
        var address = _bridge.Address;
        await _bridge.DisposeAsync();
        _bridge = await FakeBridge.StartAsync();
        await using var stopped = new ServiceCollection().AddHermesBridge(o => o.BaseAddress = address).BuildServiceProvider();
        var sent = await stopped.GetRequiredService<HermesBridgeClient>().SendTextAsync(Id(Movistar), "hola");
        Assert.That(sent.Status, Is.EqualTo(BridgeStatus.Refused));
    }

    [Test]
    public async Task The_gated_sender_sends_only_permits_once_and_reports_every_outcome()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 1);
        await h.MakeAutonomousAsync(Vodafone);
        var sender = new GatedSender(h.Policy, new HermesBridgeTransport(Client), TimeProvider.System);

        var draft = await sender.SendAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Operator));
        Assert.That((draft.Decision.Outcome, draft.Report, _bridge.SendRequests), Is.EqualTo((OutboundOutcome.Draft, (SendReport?)null, 0)), "a draft never reaches the bridge");

        // 503 on a first contact: failed, the draft waits again, no retry.
        _bridge.Connected = false;
        var refused = await sender.TransportAsync(await h.Policy.ApproveDraftAsync(draft.Decision.Draft, "owner"));
        Assert.That((refused.Report!.Value.Outcome, _bridge.SendRequests), Is.EqualTo((SendOutcome.Failed, 1)));
        Assert.That(h.Policy.GetPendingDrafts().Single().Id, Is.EqualTo(draft.Decision.Draft));

        _bridge.Connected = true;
        var delivered = await sender.TransportAsync(await h.Policy.ApproveDraftAsync(draft.Decision.Draft, "owner"));
        Assert.That((delivered.Delivered, _bridge.SendRequests, _bridge.Sent.Single()), Is.EqualTo((true, 2, (Movistar, "Hola"))));
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.FirstContactSent).TransportMessageId, Does.StartWith("3EB0"));

        // A timeout: the message went out, the client cannot tell: unknown, never repeated.
        _bridge.NextSendHangs = true;
        var timedOut = await sender.SendAsync(new OutboundRequest(Id(Vodafone), "¿Novedades?", Initiator.Agent));
        Assert.That((timedOut.Report!.Value.Outcome, _bridge.SendRequests, _bridge.Sent.Count), Is.EqualTo((SendOutcome.Unknown, 3, 2)));
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.SendUnknown).Error, Does.Contain("no answer within"));

        var denied = await sender.SendAsync(new OutboundRequest(Id(Orange), "x", Initiator.Agent));
        Assert.That((denied.Decision.Reason, _bridge.SendRequests), Is.EqualTo((ReasonCode.AgentInitiatedNotAllowed, 3)));
    }

    [Test]
    public async Task A_jittered_permit_leaves_at_its_not_before_and_a_cancelled_wait_reports_it_failed()
    {
        await using var h = await CreateAsync(o => { o.SendJitterSeconds = 60; o.MaxConsecutiveAgentSendsWithoutReply = 10; }, random: new FixedRandom(45));
        await h.MakeAutonomousAsync(Vodafone);
        var sender = new GatedSender(h.Policy, new HermesBridgeTransport(Client), h.Time);

        var pending = sender.SendAsync(new OutboundRequest(Id(Vodafone), "¿Novedades?", Initiator.Agent));
        await Task.Delay(100);
        Assert.That((pending.IsCompleted, _bridge.SendRequests), Is.EqualTo((false, 0)), "held until its not_before");
        h.Time.Advance(TimeSpan.FromSeconds(44));
        await Task.Delay(100);
        Assert.That(_bridge.SendRequests, Is.Zero);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var sent = await pending;
        Assert.That((sent.Delivered, sent.Decision.NotBefore, _bridge.SendRequests), Is.EqualTo((true, (DateTimeOffset?)(Start + TimeSpan.FromSeconds(45)), 1)));

        using var stop = new CancellationTokenSource();
        var cancelled = sender.SendAsync(new OutboundRequest(Id(Vodafone), "¿Sigue ahí?", Initiator.Agent), stop.Token);
        await Task.Delay(100);
        await stop.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_bridge.SendRequests, Is.EqualTo(1), "nothing went out");
        Assert.That(h.Store.Events[^1].Type, Is.EqualTo(PolicyEventType.SendFailed), "the permit is closed at once");
        Assert.That(h.Policy.GetPendingSends(), Is.Empty);
    }

    [Test]
    public async Task A_chats_sends_leave_in_the_order_permitted_and_other_chats_do_not_wait_for_them()
    {
        await using var h = await CreateAsync(o => { o.SendJitterSeconds = 60; o.MaxConsecutiveAgentSendsWithoutReply = 10; }, random: new FixedRandom(40, 5, 0));
        await h.MakeAutonomousAsync(Vodafone);
        await h.MakeAutonomousAsync(Movistar);
        var sender = new GatedSender(h.Policy, new HermesBridgeTransport(Client), h.Time);

        var first = await sender.ScheduleAsync(new OutboundRequest(Id(Vodafone), "uno", Initiator.Agent));
        var second = await sender.ScheduleAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Agent));
        var other = await sender.ScheduleAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Agent));
        Assert.That((first.Decision.IsPermitted, second.Decision.IsPermitted, other.Decision.IsPermitted), Is.EqualTo((true, true, true)), "scheduling returns once the policy decided");
        Assert.That((await other.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Delivered, Is.True, "another chat's send does not wait for Vodafone's");

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.That((second.Completion.IsCompleted, _bridge.SendRequests), Is.EqualTo((false, 1)), "the shorter jitter does not overtake the chat's earlier send");
        h.Time.Advance(TimeSpan.FromSeconds(35));
        Assert.That((await second.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Delivered, Is.True);
        Assert.That(_bridge.Sent.Where(s => s.ChatId == Vodafone).Select(s => s.Message), Is.EqualTo(new[] { "uno", "dos" }));
        await first.Completion;
        Assert.That(() => sender.BusyLanes, Is.Zero.After(5000, 10), "a chat with nothing to send keeps no lane (removed just after its last send completes)");
    }

    [Test]
    public async Task With_the_options_on_a_send_goes_to_the_chats_lid_and_carries_its_send_id_as_idempotency_key()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True);
        await using var services = new ServiceCollection()
            .AddHermesBridge(o => (o.BaseAddress, o.PreferLidChats, o.SendIdempotencyKeys) = (_bridge.Address, true, true))
            .BuildServiceProvider();
        var sender = new GatedSender(h.Policy, new HermesBridgeTransport(services.GetRequiredService<HermesBridgeClient>()), h.Time, h.Policy);

        var sent = await sender.SendAsync(new OutboundRequest(Id(Movistar), "¿Me confirman la baja?", Initiator.Agent));
        Assert.That((sent.Delivered, sent.Decision.Chat.ToString()), Is.EqualTo((true, Movistar)), "the policy still names the chat by its phone");
        Assert.That(_bridge.Sent[^1].ChatId, Is.EqualTo(MovistarLid), "the wire uses the LID");
        Assert.That(_bridge.LastSendHeaders["idempotency-key"], Is.EqualTo(sent.Decision.Send.ToString()));

        var plain = await new GatedSender(h.Policy, new HermesBridgeTransport(Client), h.Time, h.Policy).SendAsync(new OutboundRequest(Id(Movistar), "Gracias", Initiator.Agent));
        Assert.That((plain.Delivered, _bridge.Sent[^1].ChatId, _bridge.LastSendHeaders.ContainsKey("idempotency-key")), Is.EqualTo((true, Movistar, false)), "both are off by default");
    }

    [Test]
    public async Task A_gated_send_is_a_span_around_the_bridge_call_with_the_confirmation_inside_it()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == ServiceConversationTracing.ActivitySourceName,
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        spans.Clear();

        var sent = await new GatedSender(h.Policy, new HermesBridgeTransport(Client), h.Time, h.Policy).SendAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Agent));
        Assert.That(sent.Delivered, Is.True);
        var send = spans.Single(s => s.OperationName == "hermes.gateway.send");
        Assert.That((send.GetTagItem("hermes.outcome"), send.GetTagItem("hermes.chat")), Is.EqualTo(("delivered", (object)"346*****111@s.whatsapp.net")));
        Assert.That(spans.Single(s => s.OperationName == ServiceConversationTracing.ConfirmationSpan).ParentSpanId, Is.EqualTo(send.SpanId));
        Assert.That(spans.Select(s => s.OperationName), Does.Contain(ServiceConversationTracing.OutboundSpan));
    }
}
#endif
