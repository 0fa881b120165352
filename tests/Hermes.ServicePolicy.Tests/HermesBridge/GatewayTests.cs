#if NET10_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Journal;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>The gateway loop end to end: a generic host, the policy, the gateway, and the faithful fake bridge.</summary>
public class GatewayTests : GatewayTestBase
{
    [Test]
    public async Task Unknown_and_group_chats_are_never_answered_a_redelivery_is_handled_once_and_a_service_chat_reaches_the_agent()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
        });
        await host.StartAsync();
        Bridge.Receive(Movistar, "¿Quién es?", "m1");
        Bridge.Receive(Group, "hola grupo", "m2");
        Bridge.Receive(Vodafone, "Su factura está lista", "m3", "Vodafone");
        Bridge.Receive(Vodafone, "Su factura está lista", "m3", "Vodafone"); // WhatsApp re-delivered it
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "m3");
        Bridge.Receive(Vodafone, "¿Algo más?", "m4", "Vodafone");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "m4");
        await WaitForAsync(a => a.Kind == "decision" && a.Chat == Group);

        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "m3", "m4" }), "the re-delivery was handled once");
        Assert.That(Activity.Where(a => a.Kind == "decision").Select(a => (a.Chat, a.Outcome, a.Detail)), Is.SupersetOf(new[]
        {
            (Movistar, "blocked", (string?)"unknown_chat"),
            (Group, "blocked", "group_chat"),
        }));
        Assert.That(Bridge.Sent, Is.Empty, "nothing is ever sent back to an unknown or group chat");
        var listing = await host.Services.GetRequiredService<Hermes.ServicePolicy.Discovery.IChatDirectory>().ListAsync();
        Assert.That(listing.Select(c => (c.Chat.ToString(), c.Name)), Is.SupersetOf(new[] { (Vodafone, (string?)"Vodafone") }), "without GET /chats, recent chats come from the events seen");
        await host.StopAsync();
    }

    [Test]
    public async Task Messages_taken_from_the_bridge_before_a_crash_are_decided_after_the_restart()
    {
        using (var journal = InboundJournal.Open(JournalDirectory, DateTimeOffset.UtcNow))
        {
            journal.Take([new IncomingMessage { MessageId = "m-lost", ChatId = Vodafone, Body = "¿Sigue ahí?" }]); // polled, then the process died
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
        Assert.That(Bridge.Sent.Single().ChatId, Is.EqualTo(Owner));
        Assert.That(Bridge.Sent.Single().Message, Does.Contain($"Reply: /service approve {draft.Handle}"));

        Bridge.NextSendFailure = (503, "Not connected to WhatsApp");
        Bridge.NextSendFailureChat = Movistar;
        Bridge.Receive(Owner, $"/service approve {draft.Handle}", "o1");
        await WaitForAsync(a => a.Kind == "send" && a.Outcome == "failed");
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "send_failed");

        Bridge.Receive(Owner, $"/service approve {draft.Handle}", "o2");
        await WaitForAsync(a => a.Kind == "send" && a.Outcome == "delivered");
        Assert.That(Bridge.Sent.Count(s => s.ChatId == Movistar), Is.EqualTo(1), "sent exactly once; the 503 was not retried");
        Assert.That(policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-7"));
        var replies = Bridge.Sent.Where(s => s.ChatId == Owner).Select(s => s.Message).ToList();
        Assert.That(replies.Count(r => r.StartsWith($"Approved {draft.Handle}", StringComparison.Ordinal)), Is.EqualTo(2));
        await host.StopAsync();
    }

    [Test]
    public async Task A_lid_sender_is_known_by_its_phone_through_the_sessions_lid_mapping_files()
    {
        var session = Directory.CreateDirectory(Path.Combine(JournalDirectory, "session")).FullName;
        await File.WriteAllTextAsync(Path.Combine(session, "lid-mapping-34610000111.json"), "\"111222333444555\"");
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Movistar];
        }, session);
        await host.StartAsync();
        Bridge.Receive(MovistarLid, "Le escribimos por su factura", "l1");
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
        Bridge.Receive(Vodafone, "uno", "v1");
        Bridge.Receive(Vodafone, "dos", "v2");
        await host.StartAsync();
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v2");
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "v1", "v2" }), "retried in order, nothing dropped");
        Assert.That(Activity.Count(a => a.Kind == "agent_failed"), Is.EqualTo(2));
        await host.StopAsync();
    }
}
#endif
