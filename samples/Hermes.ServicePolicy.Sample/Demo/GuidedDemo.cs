using System;
using System.IO;
using System.Threading.Tasks;
using System.Xml;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Scenarios;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Sample.Demo;

/// <summary>
/// The story of the source document, step by step, against the real library with its embedded defaults: the
/// durable file store (in a temporary folder), a fake transport, a clock that moves only when the story says so.
/// </summary>
internal static class GuidedDemo
{
    private const string Session = "s-42";

    public static async Task<int> RunAsync(Terminal t)
    {
        var directory = Directory.CreateTempSubdirectory("hermes-demo-").FullName;
        try
        {
            await RunStoryAsync(t, directory).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunStoryAsync(Terminal t, string directory)
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var recent = new InMemoryRecentChatSource();
        var audit = new InMemoryAuditSink();
        var transport = new FakeWhatsAppTransport();
        var options = new ServiceConversationOptions
        {
            Enabled = true,
            MaxConsecutiveAgentSendsWithoutReply = 2,
            OperatorChats = ["+34 611 222 333"],
            StateDirectory = directory,
        };

        t.Heading("Hermes.ServicePolicy: a guided demo");
        t.Line("An agent wants to ask Movistar about a bill over WhatsApp. The policy decides; the host transports.");
        t.Note($"state: file-backed store in {directory} (removed afterwards)");
        t.Note("configuration: enabled: true, default_mode: draft_first, max_new_service_chats_per_day: 3, operator_chats: +34 611 222 333,");
        t.Note("               max_consecutive_agent_sends_without_reply: 2, everything else at its safe default");

        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithTimeProvider(clock)
            .WithRecentChatSource(recent)
            .AddAuditSink(audit)
            .BuildAsync()
            .ConfigureAwait(false);

        t.Heading("1. List recent chats safely (metadata only; groups left out)");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        recent.Replace(
        [
            new RecentChat("34600111222@s.whatsapp.net", "Mamá", false, now - 60),
            new RecentChat("34610000111@s.whatsapp.net", "Movistar\u202E", false, now - 600, 1, true),
            new RecentChat("120363012345678901@g.us", "Familia", true, now - 900),
        ]);
        foreach (var chat in await policy.Directory.ListAsync().ConfigureAwait(false))
        {
            t.Line($"  {chat.Chat,-30} {chat.Name,-10} {chat.Kind.ToString().ToLowerInvariant(),-6} status: {chat.Status.ToCode()}");
        }

        t.Note("the bidi override hidden in \"Movistar\" was stripped; the group \"Familia\" is not listed");

        t.Heading("2. Resolve \"Movistar\" (JID, then phone number, then exact recent-chat name)");
        var target = await policy.Resolver.ResolveAsync("Movistar").ConfigureAwait(false);
        t.Allowed("resolved", target.Explain());
        var phoneForm = await policy.Resolver.ResolveAsync("600 00 01 11").ConfigureAwait(false);
        t.Denied("invalid", $"\"600 00 01 11\": {phoneForm.Explain()}");
        var movistar = target.Chat;

        t.Heading("3. Movistar writes first: an unknown chat stays blocked");
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "Hola, ¿en qué podemos ayudarle?")).ConfigureAwait(false));
        t.Note("nothing is sent back to an unknown chat, ever");

        t.Heading("4. The agent decides on its own to contact Movistar");
        await ShowAsync(t, policy, await policy.DecideOutboundAsync(new OutboundRequest(movistar, "Hola", Initiator.Agent, Session)).ConfigureAwait(false)).ConfigureAwait(false);

        t.Heading("5. The owner asks for it: the first contact is a draft for approval");
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(movistar, "Hola, quiero revisar mi última factura.", Initiator.Operator, Session)).ConfigureAwait(false);
        await ShowAsync(t, policy, draft).ConfigureAwait(false);

        t.Note("the owner's phone gets a notice in their own chat (+34 611 222 333):");
        await foreach (var notice in policy.ReadNoticesAsync().ConfigureAwait(false))
        {
            foreach (var line in string.Join('\n', notice.Format("/service", policy.GetChatName(notice.Chat))).Split('\n'))
            {
                t.Line($"    │ {line}");
            }
        }

        t.Heading($"6. The owner replies \"/service approve {draft.Handle}\" from their chat, but the bridge is down");
        clock.Advance(TimeSpan.FromMinutes(2));
        var commands = new OperatorCommandProcessor(policy);
        var owner = ChatId.Parse("34611222333@s.whatsapp.net");
        transport.Disconnected = true;
        await OwnerAsync(t, policy, commands, owner, $"/service approve {draft.Handle}", transport).ConfigureAwait(false);
        t.Note($"the daily slot is back and the draft waits again: {policy.GetPendingDrafts().Count} pending, same handle");

        t.Heading("7. The owner approves again: exactly that text is sent, once");
        await OwnerAsync(t, policy, commands, owner, $"/service approve {draft.Handle}", transport).ConfigureAwait(false);
        await OwnerAsync(t, policy, commands, owner, $"/service approve {draft.Handle}", transport).ConfigureAwait(false);

        t.Heading($"8. Movistar replies: delivered into the same session ({Session})");
        clock.Advance(TimeSpan.FromMinutes(3));
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "Claro, ¿me indica su DNI?")).ConfigureAwait(false));

        t.Heading("9. A reply that looks like a command is only conversation text");
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "/approve_all")).ConfigureAwait(false));

        t.Heading("10. The owner lets the agent continue on its own; the limits hold");
        await Act(t, "set_mode autonomous", policy.SetModeAsync(movistar, ServiceChatMode.Autonomous, "owner")).ConfigureAwait(false);
        for (var i = 1; i <= 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await ShowAsync(t, policy, await policy.DecideOutboundAsync(new OutboundRequest(movistar, $"Mensaje {i}", Initiator.Agent, Session)).ConfigureAwait(false), transport).ConfigureAwait(false);
        }

        t.Note("a reply from Movistar resets the count");
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "Un momento, por favor.")).ConfigureAwait(false));
        await ShowAsync(t, policy, await policy.DecideOutboundAsync(new OutboundRequest(movistar, "Gracias", Initiator.Agent, Session)).ConfigureAwait(false), transport).ConfigureAwait(false);

        t.Heading("11. Pause: replies still arrive, nothing goes out");
        await Act(t, "pause", policy.PauseAsync(movistar, "owner")).ConfigureAwait(false);
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "¿Sigue ahí?")).ConfigureAwait(false));
        await ShowAsync(t, policy, await policy.DecideOutboundAsync(new OutboundRequest(movistar, "Sí", Initiator.Agent, Session)).ConfigureAwait(false)).ConfigureAwait(false);

        t.Heading("12. Revoke: the chat is blocked both ways until approved again");
        await Act(t, "revoke", policy.RevokeAsync(movistar, "owner")).ConfigureAwait(false);
        Show(t, await policy.DecideInboundAsync(new InboundMessage(movistar, "¿Hola?")).ConfigureAwait(false));
        await ShowAsync(t, policy, await policy.DecideOutboundAsync(new OutboundRequest(movistar, "Hola", Initiator.Operator, Session)).ConfigureAwait(false)).ConfigureAwait(false);

        t.Heading("13. The audit trail (every state change, durable before it took effect)");
        await policy.FlushAsync().ConfigureAwait(false); // the audit sinks are fed after the fact: wait for them
        foreach (var e in audit.Events)
        {
            t.Line($"  {e.Timestamp:HH:mm:ss}  {e.Type.ToCode(),-24} {(e.Chat.IsEmpty ? string.Empty : e.Chat.ToString()),-28} actor={e.Actor}{(e.Reason == ReasonCode.None ? string.Empty : " reason=" + e.Reason.ToCode())}");
        }

        t.Heading("What the transport sent");
        foreach (var (chat, text) in transport.Sent)
        {
            t.Line($"  → {chat}: {text}");
        }

        t.Line();
        t.Line("Try it yourself: `dotnet run --project samples/Hermes.ServicePolicy.Sample -- interactive`");
    }

    private static void Show(Terminal t, InboundDecision decision)
    {
        if (decision.IsDelivered)
        {
            t.Allowed("delivered", decision.Explain());
        }
        else
        {
            t.Denied($"blocked {decision.Reason.ToCode()}", decision.Explain());
        }
    }

    // A permit is sent by the transport, and what the transport did is reported back to the policy.
    private static async Task ShowAsync(Terminal t, ServiceConversationPolicy policy, OutboundDecision decision, FakeWhatsAppTransport? transport = null)
    {
        switch (decision.Outcome)
        {
            case OutboundOutcome.Permitted:
                t.Allowed("permitted", $"{decision.Explain()}: \"{decision.Text}\"");
                if (transport is not null)
                {
                    var report = transport.Send(decision.Chat, decision.Text!);
                    var confirmed = await policy.ConfirmSendAsync(decision.Send, report).ConfigureAwait(false);
                    if (report.Outcome == SendOutcome.Delivered)
                    {
                        t.Allowed("delivered", $"reported: audited message_sent / first_contact_sent ({report.TransportMessageId}) {confirmed.Explain()}");
                    }
                    else
                    {
                        t.Denied("failed", $"reported: {report.Error}; audited send_failed, the send's own changes undone ({confirmed.Explain()})");
                    }
                }

                break;
            case OutboundOutcome.Draft:
                t.Held("draft", decision.Explain());
                break;
            default:
                t.Denied($"denied {decision.Reason.ToCode()}", decision.RetryAfter is { } retry
                    ? $"{decision.Reason.Describe()} (retry after {XmlConvert.ToString(retry)})"
                    : decision.Explain());
                break;
        }
    }

    // The owner's message from their own chat goes to the command processor; its permits go to the transport.
    private static async Task OwnerAsync(Terminal t, ServiceConversationPolicy policy, OperatorCommandProcessor commands, ChatId owner, string text, FakeWhatsAppTransport transport)
    {
        t.Line($"  owner › {text}");
        var result = await commands.ExecuteAsync(owner, text).ConfigureAwait(false);
        foreach (var line in result.Reply.Split('\n'))
        {
            t.Line($"    │ {line}");
        }

        foreach (var permit in result.Sends)
        {
            await ShowAsync(t, policy, permit, transport).ConfigureAwait(false);
        }
    }

    private static async Task Act(Terminal t, string action, ValueTask<OperatorResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        if (result.Ok)
        {
            t.Allowed(action, "ok");
        }
        else
        {
            t.Denied(action, result.Explain());
        }
    }
}
