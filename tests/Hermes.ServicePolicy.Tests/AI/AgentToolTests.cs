using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Hermes.ServicePolicy.AI;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.AI;

/// <summary>The agent tools, called as a chat client's function invocation calls them (arguments as JSON).</summary>
public class AgentToolTests
{
    private static (IReadOnlyList<AIFunction> Tools, InMemoryTransport Transport) ToolsFor(PolicyHarness h, string? session = "s-7")
    {
        var transport = new InMemoryTransport();
        return (new ServiceConversationTools(h.Policy, new GatedSender(h.Policy, transport, h.Time, h.Policy)).ForSession(session), transport);
    }

    private static async Task<string> CallAsync(IReadOnlyList<AIFunction> tools, string name, string json)
    {
        var arguments = new AIFunctionArguments(JsonSerializer.Deserialize<Dictionary<string, object?>>(json));
        return (string)(await tools.Single(t => t.Name == name).InvokeAsync(arguments))!;
    }

    [Test]
    public async Task There_are_four_tools_and_none_can_approve_change_a_mode_or_read_messages()
    {
        await using var h = await CreateAsync();
        var (tools, _) = ToolsFor(h);
        Assert.That(tools.Select(t => t.Name), Is.EqualTo(new[] { "list_service_chats", "find_chat", "send_whatsapp_message", "chat_status" }));
        foreach (var tool in tools)
        {
            Assert.That(tool.JsonSchema.GetProperty("type").GetString(), Is.EqualTo("object"), tool.Name);
            Assert.That(tool.JsonSchema.GetProperty("additionalProperties").GetBoolean(), Is.False, tool.Name);
        }
    }

    [Test]
    public async Task A_send_to_an_autonomous_chat_goes_out_in_the_agents_session()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar, session: "s-7");
        var (tools, transport) = ToolsFor(h);

        var answer = await CallAsync(tools, "send_whatsapp_message", """{"target":"+34 610 000 111","text":"¿Cuándo llega el técnico?"}""");

        Assert.That(answer, Does.StartWith("sent: the message went out to 34610000111@s.whatsapp.net"));
        Assert.That(transport.Sent.Single().Text, Is.EqualTo("¿Cuándo llega el técnico?"));
        Assert.That(h.Store.Events.Last(e => e.Type == ServicePolicy.State.PolicyEventType.MessageSent).SessionId, Is.EqualTo("s-7"));
    }

    [Test]
    public async Task A_first_contact_becomes_a_draft_the_agent_cannot_approve()
    {
        await using var h = await CreateAsync(o => o.AllowAgentInitiatedServiceChats = true);
        var (tools, transport) = ToolsFor(h);

        var answer = await CallAsync(tools, "send_whatsapp_message", """{"target":"34610000111@s.whatsapp.net","text":"Hola, soy el asistente de Ana"}""");

        var draft = h.Policy.GetPendingDrafts().Single();
        Assert.That(answer, Does.StartWith("draft: held for the owner to approve (a first message to a chat)").And.Contain(draft.Handle ?? draft.Id.ToString()).And.Contain("you cannot approve it"));
        Assert.That(transport.Sent, Is.Empty);
        Assert.That(draft.SessionId, Is.EqualTo("s-7"));
    }

    [Test]
    public async Task A_denial_reaches_the_model_as_its_reason_and_when_to_try_again()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.MakeAutonomousAsync(Movistar);
        await h.MakeAutonomousAsync(Vodafone);
        await h.Policy.PauseAsync(Id(Vodafone), "owner");
        var (tools, transport) = ToolsFor(h);

        Assert.That(await CallAsync(tools, "send_whatsapp_message", """{"target":"34610000111@s.whatsapp.net","text":"uno"}"""), Does.StartWith("sent"));
        var limited = await CallAsync(tools, "send_whatsapp_message", """{"target":"34610000111@s.whatsapp.net","text":"dos"}""");
        var paused = await CallAsync(tools, "send_whatsapp_message", $$"""{"target":"{{Vodafone}}","text":"hola"}""");

        Assert.That(limited, Does.StartWith("denied (hourly_send_limit)").And.Contain("Try again no sooner than in 60 minutes"));
        Assert.That(paused, Does.StartWith("denied (paused)").And.Contain("Waiting alone will not change this answer"));
        Assert.That(transport.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_ambiguous_or_missing_target_sends_nothing_and_says_why()
    {
        await using var h = await CreateAsync();
        h.Recent.Replace([new RecentChat(Movistar, "Atención", false, 2), new RecentChat(Vodafone, "Atención", false, 1)]);
        var (tools, transport) = ToolsFor(h);

        var ambiguous = await CallAsync(tools, "send_whatsapp_message", """{"target":"Atención","text":"hola"}""");
        var missing = await CallAsync(tools, "send_whatsapp_message", """{"target":"Atención"}""");
        var found = await CallAsync(tools, "find_chat", """{"query":"Atención"}""");

        Assert.That(ambiguous, Does.StartWith("ambiguous: 2 chats match").And.EndWith("Nothing was sent."));
        Assert.That(missing, Does.StartWith("invalid:"));
        Assert.That(found, Does.StartWith("ambiguous: 2 chats match"));
        Assert.That((transport.Sent.Count, h.Policy.GetPendingDrafts().Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task The_listing_shows_service_chats_only_and_never_a_personal_one()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        h.Recent.Replace([new RecentChat(Movistar, "Movistar", false, 2), new RecentChat(Orange, "Mamá", false, 3)]);
        var (tools, _) = ToolsFor(h);

        var listing = await CallAsync(tools, "list_service_chats", "{}");
        var status = await CallAsync(tools, "chat_status", $$"""{"target":"{{Movistar}}"}""");
        var found = await CallAsync(tools, "find_chat", """{"query":"+34 610 000 111"}""");

        Assert.That(listing, Does.StartWith("1 service chat:").And.Contain("34610000111@s.whatsapp.net | Movistar | autonomous").And.Not.Contain("Mamá").And.Not.Contain("34656000111"));
        Assert.That(status, Is.EqualTo("status of 34610000111@s.whatsapp.net: autonomous; you may write within the owner's limits; 0 drafts waiting for the owner"));
        Assert.That(found, Is.EqualTo("found: 34610000111@s.whatsapp.net (autonomous)"));
    }

    [Test]
    public async Task A_transport_that_fails_or_cannot_tell_is_said_so()
    {
        await using var h = await CreateAsync(o => o.MaxConsecutiveAgentSendsWithoutReply = 10);
        await h.MakeAutonomousAsync(Movistar);
        var (tools, transport) = ToolsFor(h);

        transport.Respond = _ => SendReport.Failed("503 not connected");
        var failed = await CallAsync(tools, "send_whatsapp_message", $$"""{"target":"{{Movistar}}","text":"uno"}""");
        transport.Respond = _ => throw new InvalidOperationException("secret");
        var unknown = await CallAsync(tools, "send_whatsapp_message", $$"""{"target":"{{Movistar}}","text":"dos"}""");

        Assert.That(failed, Does.StartWith("not_sent:").And.Not.Contain("503"));
        Assert.That(unknown, Does.StartWith("sent_unknown:").And.Contain("Do not send it again").And.Not.Contain("secret"));
    }
}
