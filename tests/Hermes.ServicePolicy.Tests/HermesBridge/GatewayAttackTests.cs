#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The attack review of the gateway and of permits (issue 23), in process: a hostile or broken bridge, permits given
/// twice, made up or altered, a message that keeps failing, the owner typing into a service chat.
/// </summary>
public class GatewayAttackTests : GatewayTestBase
{
    [Test]
    public async Task A_null_timestamp_in_GET_chats_does_not_stall_the_owners_command_nor_the_messages_behind_it()
    {
        Bridge.ChatsJson = """
            [{"chatId":"34610000111@s.whatsapp.net","name":"Movistar","isGroup":false,"lastMessageTimestamp":null},
             {"chatId":"34607000111@s.whatsapp.net","name":null,"isGroup":"no","lastMessageTimestamp":"yesterday"},
             {"chatId":42,"name":"not a chat"}, "garbage", null]
            """;
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.OperatorChats = [Owner];
            o.ApprovedChats = [Vodafone];
        });
        await host.StartAsync();
        Bridge.Receive(Owner, "/service chats", "o1");
        Bridge.Receive(Vodafone, "¿Algo más?", "v1");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v1");

        var reply = Bridge.Sent.Single(s => s.ChatId == Owner).Message;
        Assert.That(reply, Does.Contain("\"Movistar\" (+34610000111)").And.Contain("+34607000111"), "both readable chats listed; the malformed fields were skipped");
        Assert.That(Activity.Count(a => a.Kind == "agent_failed"), Is.Zero);
        await host.StopAsync();
    }

    [Test]
    public async Task A_message_whose_handling_keeps_failing_is_set_aside_after_the_attempts_and_the_owner_is_told_while_the_queue_goes_on()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
            o.OperatorChats = [Owner];
        }, maxAttempts: 3);
        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        agent.AlwaysFailsOn = "poison";
        Bridge.Receive(Vodafone, "uno", "poison");
        Bridge.Receive(Vodafone, "dos", "v2");
        await host.StartAsync();
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v2");

        Assert.That(Activity.Count(a => a.Kind == "agent_failed"), Is.EqualTo(3), "three attempts, with backoff between them");
        Assert.That(Activity.Single(a => a.Kind == "set_aside").Outcome, Is.EqualTo("3"));
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "v2" }));
        var told = Bridge.Sent.Single(s => s.ChatId == Owner).Message;
        Assert.That(told, Does.Contain("set aside").And.Contain("> InvalidOperationException: the agent is busy"));
        Assert.That(told.Split('\n').Skip(1), Is.All.StartsWith("> "), "the error text is quoted: no line of it reads as a command");
        await host.StopAsync();
    }

    [Test]
    public async Task Events_with_lone_surrogates_and_fields_of_the_wrong_type_are_read_never_thrown()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
        });
        await host.StartAsync();
        Bridge.ReceiveRaw($$"""{"messageId":"lone\ud800id","chatId":"{{Vodafone}}","body":"caf\udc00e","isGroup":"yes","hasMedia":1,"mediaUrls":[null,7,"\ud83d"],"timestamp":null,"fromOwner":"true"}""");
        Bridge.ReceiveRaw($$"""{"messageId":null,"chatId":"{{Vodafone}}","body":"no id"}""");
        Bridge.ReceiveRaw("[1,2,3]");
        Bridge.Receive(Vodafone, "después", "v2");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v2");

        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        var first = agent.Service.First();
        Assert.That((first.MessageId, first.Text, first.MediaUrls), Is.EqualTo(("lone\uFFFDid", "caf\uFFFDe", new[] { "\uFFFD" })), "lone surrogates became U+FFFD; mistyped fields were skipped");
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "lone\uFFFDid", "v2" }), "an event without an id is dropped");
        Assert.That(agent.OwnerTyped, Is.Empty, "\"fromOwner\": \"true\" is not true");
        await host.StopAsync();
    }

    [Test]
    public async Task The_owner_typing_into_a_service_chat_is_handed_over_as_theirs_never_answered_and_resets_no_run_of_agent_sends()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
            o.DefaultMode = ServiceChatMode.Autonomous;
            o.MaxConsecutiveAgentSendsWithoutReply = 1;
            o.OwnerTakeoverMinutes = 0; // the hold has its own tests; this one is about the run of agent sends
        });
        await host.StartAsync();
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        var sender = host.Services.GetRequiredService<GatedSender>();
        Assert.That((await sender.SendAsync(new OutboundRequest(Id(Vodafone), "¿Me confirma la baja?", Initiator.Agent, "s-1"))).Delivered, Is.True);

        Bridge.Receive(Vodafone, "Ya lo hablo yo, gracias", "own-1", fromOwner: true);
        Bridge.Receive(Movistar, "hola", "own-2", fromOwner: true); // a private chat of the owner's
        await WaitForAsync(a => a.Kind == "decision" && a.Chat == Movistar);
        var stillInARow = await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "¿Sigue ahí?", Initiator.Agent, "s-1"));
        Assert.That(stillInARow.Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply), "the owner's message is not the provider's reply");

        Bridge.Receive(Vodafone, "Confirmado", "v1");
        await WaitForAsync(a => a.Kind == "routed" && a.Detail == "v1");

        var agent = (RecordingAgent)host.Services.GetRequiredService<IServiceAgent>();
        Assert.That(agent.OwnerTyped.Select(m => (m.Chat.ToString(), m.Text, m.MessageId)), Is.EqualTo(new[] { (Vodafone, "Ya lo hablo yo, gracias", "own-1") }));
        Assert.That(agent.Service.Select(m => m.MessageId), Is.EqualTo(new[] { "v1" }), "the owner's words never reach the agent as the provider's");
        Assert.That(Activity.Where(a => a.Kind == "decision").Select(a => a.Outcome), Is.EqualTo(new[] { "owner_message", "ignored", "delivered" }));
        var owner = await policy.ReadHistoryAsync(new HistoryQuery { Types = new HashSet<PolicyEventType> { PolicyEventType.OwnerMessage } }).ToListAsync();
        Assert.That(owner.Select(e => (e.Chat.ToString(), e.Text, e.SessionId, e.Actor)), Is.EqualTo(new[] { (Vodafone, (string?)"Ya lo hablo yo, gracias", (string?)"s-1", "owner") }));
        await host.StopAsync();
    }

    [Test]
    public async Task A_permit_is_sent_once_and_only_as_permitted_a_replayed_made_up_or_altered_one_reaches_no_network()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
            o.DefaultMode = ServiceChatMode.Autonomous;
        });
        await host.StartAsync();
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        var sender = host.Services.GetRequiredService<GatedSender>();
        var permit = await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "Hola", Initiator.Agent));

        var first = await sender.TransportAsync(permit);
        var again = await sender.TransportAsync(permit);
        var altered = await sender.TransportAsync(OutboundDecision.Permit(Id(Group), permit.Send, "Compra ya", null));
        var madeUp = await sender.TransportAsync(OutboundDecision.Permit(Id(Group), new SendId(permit.Send.Epoch, 999), "Compra ya", null));

        Assert.That(first.Delivered, Is.True);
        Assert.That(new[] { again, altered, madeUp }.Select(r => (r.Refused, r.Confirmation?.Reason)), Is.All.EqualTo((true, (ReasonCode?)ReasonCode.UnknownSend)));
        Assert.That((Bridge.SendRequests, Bridge.Sent.Single()), Is.EqualTo((1, (Vodafone, "Hola"))), "one POST, of exactly the permitted chat and text");
        var sent = await policy.ReadHistoryAsync(new HistoryQuery { Types = new HashSet<PolicyEventType> { PolicyEventType.MessageSent } }).ToListAsync();
        Assert.That(sent.Select(e => (e.Chat.ToString(), e.Text)), Is.EqualTo(new[] { (Vodafone, (string?)"Hola") }));
        await host.StopAsync();
    }
}
#endif
