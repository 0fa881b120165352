#if NET10_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.HermesBridge.Gateway;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>The gateway loop end to end: a generic host, the policy, the gateway, and the faithful fake bridge.</summary>
public class GatewayTests
{
    private const string Owner = "34611222333@s.whatsapp.net";
    private FakeBridge _bridge = null!;
    private string _journal = null!;
    private readonly ConcurrentQueue<GatewayActivity> _activity = new();
    private readonly SemaphoreSlim _activitySignal = new(0);

    [SetUp]
    public async Task SetUp()
    {
        _bridge = await FakeBridge.StartAsync();
        _journal = Directory.CreateTempSubdirectory("hermes-gateway-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        await _bridge.DisposeAsync();
        Directory.Delete(_journal, recursive: true);
    }

    private IHost Build(Action<ServiceConversationOptions> configure, string? sessionDirectory = null)
    {
        var host = Host.CreateDefaultBuilder().ConfigureServices(services => services
            .AddServiceConversationPolicy(configure)
            .AddInMemoryServiceConversationState()
            .AddHermesBridge(o => o.BaseAddress = _bridge.Address)
            .AddHermesBridgeGateway<RecordingAgent>(o =>
            {
                o.JournalDirectory = _journal;
                o.SessionDirectory = sessionDirectory;
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.OnActivity = a =>
                {
                    _activity.Enqueue(a);
                    _activitySignal.Release();
                };
            })).Build();
        return host;
    }

    // The awaitable hook: the gateway reports each thing it did; wait for the one the test needs.
    private async Task WaitForAsync(Func<GatewayActivity, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (!_activity.Any(match))
            {
                await _activitySignal.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the gateway did not do it in 20 s; it did: " + string.Join("; ", _activity.Select(a => $"{a.Kind} {a.Chat} {a.Outcome} {a.Detail}")));
        }
    }

    [Test]
    public async Task Unknown_and_group_chats_are_never_answered_a_redelivery_is_handled_once_and_a_service_chat_reaches_the_agent()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
        });
        await host.StartAsync();
        _bridge.Receive(Movistar, "¿Quién es?", "m1");
        _bridge.Receive(Group, "hola grupo", "m2");
        _bridge.Receive(Vodafone, "Su factura está lista", "m3", "Vodafone");
        _bridge.Receive(Vodafone, "Su factura está lista", "m3", "Vodafone"); // WhatsApp re-delivered it
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "m3");
        _bridge.Receive(Vodafone, "¿Algo más?", "m4", "Vodafone");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "m4");
        await WaitForAsync(a => a.Kind == "decision" && a.Chat == Group);

        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "m3", "m4" }), "the re-delivery was handled once");
        Assert.That(_activity.Where(a => a.Kind == "decision").Select(a => (a.Chat, a.Outcome, a.Detail)), Is.SupersetOf(new[]
        {
            (Movistar, "blocked", (string?)"unknown_chat"),
            (Group, "blocked", "group_chat"),
        }));
        Assert.That(_bridge.Sent, Is.Empty, "nothing is ever sent back to an unknown or group chat");
        var listing = await host.Services.GetRequiredService<Hermes.ServicePolicy.Discovery.IChatDirectory>().ListAsync();
        Assert.That(listing.Select(c => (c.Chat.ToString(), c.Name)), Is.SupersetOf(new[] { (Vodafone, (string?)"Vodafone") }), "without GET /chats, recent chats come from the events seen");
        await host.StopAsync();
    }

    [Test]
    public async Task Messages_taken_from_the_bridge_before_a_crash_are_decided_after_the_restart()
    {
        using (var journal = InboundJournal.Open(_journal, DateTimeOffset.UtcNow))
        {
            journal.Take([new BridgeEvent { MessageId = "m-lost", ChatId = Vodafone, Body = "¿Sigue ahí?" }]); // polled, then the process died
        }

        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
        });
        await host.StartAsync();
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "m-lost");
        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        Assert.That(agent.Service.Single().MessageId, Is.EqualTo("m-lost"));
        await host.StopAsync();
    }

    [Test]
    public async Task The_owner_approves_from_their_chat_a_503_is_reported_not_retried_and_the_second_approval_sends_exactly_once()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.OperatorChats = [Owner];
        });
        await host.StartAsync();
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Buenos días, quiero dar de baja la línea.", Initiator.Operator, "s-7"));
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "draft_created");
        Assert.That(_bridge.Sent.Single().ChatId, Is.EqualTo(Owner));
        Assert.That(_bridge.Sent.Single().Message, Does.Contain($"Reply: /service approve {draft.Handle}"));

        _bridge.NextSendFailure = (503, "Not connected to WhatsApp");
        _bridge.NextSendFailureChat = Movistar;
        _bridge.Receive(Owner, $"/service approve {draft.Handle}", "o1");
        await WaitForAsync(a => a.Kind == "send" && a.Outcome == "failed");
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "send_failed");

        _bridge.Receive(Owner, $"/service approve {draft.Handle}", "o2");
        await WaitForAsync(a => a.Kind == "send" && a.Outcome == "delivered");
        Assert.That(_bridge.Sent.Count(s => s.ChatId == Movistar), Is.EqualTo(1), "sent exactly once; the 503 was not retried");
        Assert.That(policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-7"));
        var replies = _bridge.Sent.Where(s => s.ChatId == Owner).Select(s => s.Message).ToList();
        Assert.That(replies.Count(r => r.StartsWith($"Approved {draft.Handle}", StringComparison.Ordinal)), Is.EqualTo(2));
        await host.StopAsync();
    }

    [Test]
    public async Task A_lid_sender_is_known_by_its_phone_through_the_sessions_lid_mapping_files()
    {
        var session = Directory.CreateDirectory(Path.Combine(_journal, "session")).FullName;
        await File.WriteAllTextAsync(Path.Combine(session, "lid-mapping-34610000111.json"), "\"111222333444555\"");
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Movistar];
        }, session);
        await host.StartAsync();
        _bridge.Receive(MovistarLid, "Le escribimos por su factura", "l1");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "l1");

        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        Assert.That(agent.Service.Single().Chat.ToString(), Is.EqualTo(Movistar), "linked to the approved phone and delivered under it");
        Assert.That(host.Services.GetRequiredService<IServiceConversationPolicy>().GetStatus(Id(MovistarLid)).Alias.ToString(), Is.EqualTo(MovistarLid));
        await host.StopAsync();
    }

    [Test]
    public async Task A_message_the_agent_failed_on_stays_first_and_the_next_waits_for_it()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
        });
        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        agent.FailuresToCome = 2;
        _bridge.Receive(Vodafone, "uno", "v1");
        _bridge.Receive(Vodafone, "dos", "v2");
        await host.StartAsync();
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v2");
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "v1", "v2" }), "retried in order, nothing dropped");
        Assert.That(_activity.Count(a => a.Kind == "agent_failed"), Is.EqualTo(2));
        await host.StopAsync();
    }

    private sealed class RecordingAgent : IServiceAgent
    {
        public ConcurrentQueue<ServiceMessage> Service { get; } = new();

        public ConcurrentQueue<OwnerMessage> Owner { get; } = new();

        public int FailuresToCome;

        public ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref FailuresToCome) >= 0)
            {
                throw new InvalidOperationException("the agent is busy");
            }

            Service.Enqueue(message);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken)
        {
            Owner.Enqueue(message);
            return ValueTask.CompletedTask;
        }
    }
}
#endif
