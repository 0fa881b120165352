using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// The owner's takeover of a chat (SPEC "Safeguards, second set"; the walk-through is tests/scenarios/owner-takeover.jsonl):
/// the hold is derived from the log, so it survives a snapshot and a restart, and only the owner ends it early.
/// </summary>
public class OwnerTakeoverTests
{
    [Test]
    public void The_takeover_runs_after_the_outbound_switch_after_the_mode_step()
        => Assert.That(OutboundPipeline.Default.AfterModeRules.Select(r => r.GetType()), Is.EqualTo(new[] { typeof(OutboundNeverRule), typeof(OwnerTakeoverRule), typeof(AgentSpacingRule), typeof(DailyAgentBudgetRule), typeof(DuplicateSendRule), typeof(PendingDraftsRule) }));

    [Test]
    public async Task The_agent_waits_for_the_end_of_the_hold_on_the_hot_path_too()
    {
        await using var h = await CreateAsync(o => o.OwnerTakeoverMinutes = 15);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, "uno", Initiator.Agent)).IsPermitted, Is.True);
        await OwnerTypesAsync(h, Movistar);
        h.Time.Advance(TimeSpan.FromMinutes(5));

        var denied = await h.SendAsync(Movistar, "dos", Initiator.Agent);

        Assert.That((denied.Reason, denied.RetryAfter), Is.EqualTo((ReasonCode.OwnerActive, (TimeSpan?)TimeSpan.FromMinutes(10))));
        Assert.That(denied.Reason.RetryAfter(), Is.EqualTo(RetryAfterKind.WhenTheHoldEnds));
        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That((await h.SendAsync(Movistar, "tres", Initiator.Agent)).IsPermitted, Is.True, "the hold ended");
    }

    [Test]
    public async Task Outbound_never_is_said_before_the_owners_hold()
    {
        await using var h = await CreateAsync(o => o.Outbound = OutboundSwitch.Never);
        await h.MakeAutonomousAsync(Movistar);
        await OwnerTypesAsync(h, Movistar);
        Assert.That((await h.SendAsync(Movistar, "dos", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.OutboundDisabled));
    }

    [Test]
    public async Task The_hold_survives_a_snapshot_and_a_restart()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        await OwnerTypesAsync(h, Movistar);
        await h.Policy.SnapshotAsync();
        await h.RestartAsync();

        Assert.That((await h.SendAsync(Movistar, "¿Sigue ahí?", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.OwnerActive));
    }

    [Test]
    public async Task A_hand_back_is_audited_once_and_ends_the_hold_for_good()
    {
        await using var h = await CreateAsync(o => o.OwnerTakeoverMinutes = 10);
        await h.MakeAutonomousAsync(Movistar);
        await OwnerTypesAsync(h, Movistar);
        h.DrainAudit();

        Assert.That(h.Policy.GetStatus(Id(Movistar)).OwnerActiveUntil, Is.EqualTo(h.Time.GetUtcNow().AddMinutes(10)), "the status says until when");
        Assert.That((await h.Policy.HandBackAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.HandBackAsync(Id(Movistar), "owner")).Ok, Is.True, "nothing left to hand back: already in effect");
        Assert.That(h.Policy.GetStatus(Id(Movistar)).OwnerActiveUntil, Is.Null);
        var audit = h.DrainAudit();
        Assert.That(audit.Select(e => (e.Type, e.Actor)), Is.EqualTo(new[] { (PolicyEventType.OwnerHandedBack, "owner") }));

        // A longer hold configured later does not revive a hold the owner handed back.
        var longer = h.Policy.Options.Clone();
        longer.OwnerTakeoverMinutes = 1440;
        Assert.That((await h.Policy.ApplyConfigurationAsync(longer)).Accepted, Is.True);
        Assert.That((await h.SendAsync(Movistar, "¿Sigo?", Initiator.Agent)).IsPermitted, Is.True);
    }

    [Test]
    public async Task Hand_back_needs_a_named_person_and_a_service_chat()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.HandBackAsync(Id(Vodafone), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.Policy.HandBackAsync(Id(Movistar), "agent")).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.HandBackAsync(Id(Group), "owner")).Reason, Is.EqualTo(ReasonCode.GroupChat));
    }

    [Test]
    public async Task A_configured_chat_without_a_record_is_held_too()
    {
        await using var h = await CreateAsync(o =>
        {
            o.ApprovedChats = [Movistar];
            o.DefaultMode = ServiceChatMode.Autonomous;
        });
        await OwnerTypesAsync(h, Movistar);
        Assert.That((await h.SendAsync(Movistar, "hola", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.OwnerActive));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous), "holding a chat changes neither its mode nor its status");
    }

    [Test]
    public async Task The_owners_status_command_says_until_when_and_handback_ends_it()
    {
        const string owner = "34611222333@s.whatsapp.net";
        await using var h = await CreateAsync(o => o.OperatorChats = [owner]);
        await h.MakeAutonomousAsync(Movistar);
        await OwnerTypesAsync(h, Movistar);
        var commands = new OperatorCommandProcessor(h.Policy);

        var status = await commands.ExecuteAsync(Id(owner), "/service status +34 610 000 111");
        Assert.That(status.Reply, Does.Contain("You are writing there yourself: the agent waits until").And.Contain("/service handback"));
        var handback = await commands.ExecuteAsync(Id(owner), "/service handback +34 610 000 111");
        Assert.That((handback.Command, handback.Reply), Is.EqualTo(("handback", "+34610000111 handed back: the agent may answer again.")));
        Assert.That((await commands.ExecuteAsync(Id(owner), "/service status +34 610 000 111")).Reply, Does.Not.Contain("writing there yourself"));
        Assert.That((await h.SendAsync(Movistar, "¿Sigo?", Initiator.Agent)).IsPermitted, Is.True);
    }

    [TestCase(-1)]
    [TestCase(1441)]
    public void The_hold_is_zero_to_a_day(int minutes)
    {
        var result = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { OwnerTakeoverMinutes = minutes });
        Assert.That(result.Errors.Select(e => e.Key), Is.EqualTo(new[] { "owner_takeover_minutes" }));
    }

    private static async Task OwnerTypesAsync(PolicyHarness h, string chat)
    {
        var typed = await h.Policy.DecideInboundAsync(new InboundMessage(Id(chat), "Ya lo hablo yo", FromOwner: true));
        Assert.That(typed.IsOwnerMessage, Is.True, typed.Explain());
    }
}
