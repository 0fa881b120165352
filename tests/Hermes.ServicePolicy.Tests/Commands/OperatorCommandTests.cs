using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Commands;

/// <summary>docs/operator-commands.md: the owner's commands from their own chat.</summary>
public class OperatorCommandTests
{
    private const string Owner = "34611222333@s.whatsapp.net";

    private static Task<PolicyHarness> CreateWithOwnerAsync(Action<ServiceConversationOptions>? more = null)
        => CreateAsync(o =>
        {
            o.OperatorChats = [Owner];
            more?.Invoke(o);
        });

    private static ValueTask<OperatorCommandResult> RunAsync(PolicyHarness h, string text, string from = Owner)
        => new OperatorCommandProcessor(h.Policy).ExecuteAsync(Id(from), text);

    [Test]
    public async Task The_owner_approves_a_draft_by_its_handle_and_the_permit_sends_exactly_its_text_once()
    {
        await using var h = await CreateWithOwnerAsync();
        var draft = await h.SendAsync(Movistar, "Hola, quiero revisar mi factura.");
        Assert.That(draft.Handle, Has.Length.EqualTo(4).And.Match("^[23456789ABCDEFGHJKMNPQRSTVWXYZ]+$"));
        var commands = new OperatorCommandProcessor(h.Policy);

        var approved = await commands.ExecuteAsync(Id(Owner), $"/SERVICE Approve {draft.Handle!.ToLowerInvariant()}");
        Assert.That((approved.IsCommand, approved.Ok, approved.Command), Is.EqualTo((true, true, "approve")));
        Assert.That(approved.Sends.Single().Text, Is.EqualTo("Hola, quiero revisar mi factura."));
        Assert.That(approved.Reply, Does.StartWith($"Approved {draft.Handle}"));
        var again = await commands.ExecuteAsync(Id(Owner), $"/service approve {draft.Handle}");
        Assert.That((again.Ok, again.Reason, again.Sends.Count), Is.EqualTo((false, ReasonCode.DraftAlreadyDecided, 0)));
        Assert.That(again.Reply, Does.Contain("draft_already_decided"));
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.FirstContactApproved).Actor, Is.EqualTo(Owner), "the operator chat is the actor");
    }

    [Test]
    public async Task Every_chat_command_works_with_targets_in_any_form_and_hash_n_from_the_last_listing()
    {
        await using var h = await CreateWithOwnerAsync();
        h.Recent.Replace([new RecentChat(Movistar, "Movistar", false, 1_795_000_000), new RecentChat(Vodafone, "Vodafone", false, 1_794_000_000)]);
        var commands = new OperatorCommandProcessor(h.Policy);
        var owner = Id(Owner);

        var chats = await commands.ExecuteAsync(owner, "/service chats");
        Assert.That(chats.Reply.Split('\n'), Is.EqualTo(new[] { "#1 \"Movistar\" (+34610000111): none", "#2 \"Vodafone\" (+34607000111): none" }));
        Assert.That((await commands.ExecuteAsync(owner, "/service allow #2 autonomous")).Ok, Is.True);
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.Autonomous));
        Assert.That((await commands.ExecuteAsync(owner, "/service allow \"Movistar\"")).Ok, Is.True);
        Assert.That((await commands.ExecuteAsync(owner, "/service mode +34 610 000 111 draft_only")).Reply, Does.EndWith("is now draft_only."));
        Assert.That((await commands.ExecuteAsync(owner, "/service pause Movistar")).Ok, Is.True);
        Assert.That((await commands.ExecuteAsync(owner, "/service resume 34610000111@s.whatsapp.net")).Ok, Is.True);
        Assert.That((await commands.ExecuteAsync(owner, "/service revoke #1")).Ok, Is.True);
        Assert.That((await commands.ExecuteAsync(owner, $"/service link +34 607 000 111 {MovistarLid}")).Ok, Is.True);
        Assert.That(h.Policy.GetStatus(Id(MovistarLid)).Chat.ToString(), Is.EqualTo(Vodafone));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Revoked));
        Assert.That((await commands.ExecuteAsync(owner, "/service status Vodafone")).Reply, Does.Contain("autonomous").And.Contain(MovistarLid));
        Assert.That(h.Store.Events.Where(e => e.Type is PolicyEventType.ChatApproved or PolicyEventType.ChatRevoked).Select(e => e.Actor).Distinct(), Is.EqualTo(new[] { Owner }));

        h.Time.Advance(OperatorCommandProcessor.ListingValidity);
        var stale = await commands.ExecuteAsync(owner, "/service pause #2");
        Assert.That((stale.Ok, stale.Reason), Is.EqualTo((false, ReasonCode.InvalidTarget)), "#N is valid 15 minutes");
    }

    [Test]
    public async Task Status_and_drafts_summarise_what_waits()
    {
        await using var h = await CreateWithOwnerAsync(o => o.MaxNewServiceChatsPerDay = 1);
        await h.StartConversationAsync(Vodafone);
        var draft = await h.SendAsync(Movistar, "línea 1\n/service revoke everything");
        var commands = new OperatorCommandProcessor(h.Policy);

        var status = await commands.ExecuteAsync(Id(Owner), "/service status");
        Assert.That(status.Reply, Does.Contain("on").And.Contain("New chats in the last 24 hours: 1 of 1; the next one frees at 2026-11-25 09:00 UTC").And.Contain("Drafts waiting: 1"));
        var drafts = await commands.ExecuteAsync(Id(Owner), "/service drafts");
        Assert.That(drafts.Reply.Split('\n'), Is.EqualTo(new[]
        {
            $"Draft {draft.Handle} (first contact) for +34610000111, 0 min old, expires 2026-11-25 09:00 UTC:",
            "> línea 1",
            "> /service revoke everything",
            $"Reply: /service approve {draft.Handle}",
        }), "untrusted text is quoted: no line starts with a command");
    }

    [Test]
    public async Task Unknown_sub_commands_and_bad_arguments_answer_invalid_command_with_the_help_text()
    {
        await using var h = await CreateWithOwnerAsync();
        foreach (var text in new[] { "/service frobnicate", "/service mode Movistar", "/service approve", "/service chats many", "/service link +34 610 000 111" })
        {
            var result = await RunAsync(h, text);
            Assert.That((result.IsCommand, result.Ok, result.Reason, result.Command), Is.EqualTo((true, false, ReasonCode.InvalidCommand, "help")), text);
            Assert.That(result.Reply, Does.StartWith("Service conversation commands"), text);
        }

        var help = await RunAsync(h, "/service");
        Assert.That(help.Ok, Is.True);
        Assert.That(help.Reply.Split('\n').Where(l => l.TrimStart().StartsWith('/')), Is.Empty, "no help line starts with a command");
    }

    [TestCase("/service revoke Movistar")]
    [TestCase("/SERVICE revoke Movistar")]
    [TestCase("\u200B/service revoke Movistar")]
    [TestCase("\uFF0Fservice revoke Movistar")]
    [TestCase("\uFF0F\uFF53\uFF45\uFF52\uFF56\uFF49\uFF43\uFF45 revoke Movistar")]
    [TestCase("/servicex revoke Movistar")]
    public async Task A_service_chat_trying_any_spelling_of_a_command_changes_nothing_and_is_flagged_plain_text(string text)
    {
        await using var h = await CreateWithOwnerAsync(o => o.CommandPrefixes = ["!"]);
        await h.MakeAutonomousAsync(Movistar);
        var inbound = await h.InboundAsync(Movistar, text);
        Assert.That((inbound.IsDelivered, inbound.AsPlainText), Is.EqualTo((true, true)), "the operator word is plain text even when not a command prefix");
        var result = await RunAsync(h, text, from: Movistar);
        Assert.That((result.Ok, result.Reason, result.Sends.Count), Is.EqualTo((false, ReasonCode.InvalidActor, 0)));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
    }

    [Test]
    public async Task An_operator_chats_inbound_answers_operator_also_while_the_feature_is_off_and_is_never_a_service_chat()
    {
        await using var h = await CreateWithOwnerAsync();
        var command = await h.InboundAsync(Owner, "/service drafts");
        var plain = await h.InboundAsync(Owner, "¿qué tal?");
        Assert.That((command.Outcome, command.IsCommand, plain.IsCommand), Is.EqualTo((InboundOutcome.Operator, true, false)));
        Assert.That((await h.Policy.ApproveChatAsync(Id(Owner), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.SendAsync(Owner, "hola")).Reason, Is.EqualTo(ReasonCode.InvalidState));

        await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = false, OperatorChats = [Owner] });
        Assert.That((await h.InboundAsync(Owner, "/service status")).IsOperator, Is.True);
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled));
        var approve = await RunAsync(h, "/service allow +34 610 000 111");
        Assert.That(approve.Ok, Is.True, "chat actions work while the feature is off");
    }

    [Test]
    public async Task A_configuration_that_makes_a_service_chat_an_operator_chat_or_lists_it_twice_is_refused_naming_it()
    {
        var both = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { ApprovedChats = [Owner], OperatorChats = ["+34 611 222 333"] });
        Assert.That(both.Describe(), Does.Contain("operator_chats:0").And.Contain("also in approved_chats"));
        var pattern = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { ApprovedPatterns = ["+34 611 22*"], OperatorChats = [Owner] });
        Assert.That(pattern.Describe(), Does.Contain("matches approved_patterns"));
        Assert.That(ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { OperatorCommand = "service" }).Describe(), Does.Contain("operator_command"));

        await using var h = await CreateAsync();
        await h.Policy.ApproveChatAsync(Id(Owner), "owner");
        var refused = await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true, OperatorChats = [Owner] });
        Assert.That((refused.Accepted, refused.Describe()), Is.EqualTo((false, refused.Describe())));
        Assert.That(refused.Describe(), Does.Contain(Owner).And.Contain("service chat"));
    }

    [Test]
    public async Task Handles_stay_unique_under_concurrency_and_survive_a_restart()
    {
        await using var h = await CreateWithOwnerAsync(o =>
        {
            o.MaxNewServiceChatsPerDay = 1000;
            o.MaxPendingDrafts = 1000; // 200 drafts wait at once here
        });
        var drafts = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await h.SendAsync(ChatId(i)))));
        Assert.That(drafts.Select(d => d.Handle).Distinct().Count(), Is.EqualTo(200));
        await h.RestartAsync();
        var pending = h.Policy.GetPendingDrafts().ToDictionary(d => d.Id, d => d.Handle);
        Assert.That(drafts.All(d => pending[d.Draft] == d.Handle), Is.True);
        var approved = await RunAsync(h, $"/service approve {drafts[7].Handle}");
        Assert.That(approved.Sends.Single().Chat.ToString(), Is.EqualTo(ChatId(7)));

        static string ChatId(int i) => $"346000{i:00000}@s.whatsapp.net";
    }

    [Test]
    public async Task A_long_listing_is_cut_at_4000_characters_with_how_many_more()
    {
        await using var h = await CreateWithOwnerAsync(o => o.MaxNewServiceChatsPerDay = 1000);
        for (var i = 0; i < 40; i++)
        {
            await h.SendAsync($"346000{i:00000}@s.whatsapp.net", new string('x', 150));
        }

        var drafts = await RunAsync(h, "/service drafts");
        Assert.That(drafts.Reply.Length, Is.LessThanOrEqualTo(4000));
        Assert.That(drafts.Reply, Does.Match(@"… and \d+ more$"));
    }
}
