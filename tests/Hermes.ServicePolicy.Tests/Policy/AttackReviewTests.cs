using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// Regression tests for the policy holes of the attack review (issue 11): limits across aliases (1), a clock at the
/// end of time (8), reserved actors (9), replies after operator actions on configured chats (10), the hourly cap of
/// <c>inbound_blocked</c> (15) and no auto-reply to a chat that wrote unasked (16).
/// </summary>
public class AttackReviewTests
{
    // ---- 1. Linking a LID and a phone JID must not reset the chat's limits ----------------------------------------

    [TestCase(true)]
    [TestCase(false)]
    public async Task Linking_keeps_the_hourly_count_of_sends_made_under_the_lid(bool linkFromTransport)
    {
        await using var h = await CreateAsync(o => { o.MaxAutoSendsPerChatPerHour = 3; o.MaxConsecutiveAgentSendsWithoutReply = 100; });
        await h.MakeAutonomousAsync(MovistarLid);
        Assert.That((await h.SendAsync(MovistarLid, "1", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        Assert.That((await h.SendAsync(MovistarLid, "2", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        await LinkAsync(h, linkFromTransport);

        Assert.That((await h.SendAsync(Movistar, "3", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        var fourth = await h.SendAsync(Movistar, "4", Initiator.Agent);
        Assert.That(fourth.Reason, Is.EqualTo(ReasonCode.HourlySendLimit), "the LID's two sends count for the linked chat");
        Assert.That((await h.SendAsync(MovistarLid, "4", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit), "and under either identity");
    }

    [Test]
    public async Task Linking_keeps_the_consecutive_count_and_a_reply_under_either_identity_resets_it()
    {
        // The operator's link: a link from the transport comes with a reply, which resets the count anyway.
        await using var h = await CreateAsync(o => o.MaxConsecutiveAgentSendsWithoutReply = 2);
        await h.MakeAutonomousAsync(MovistarLid);
        await h.SendAsync(MovistarLid, "1", Initiator.Agent);
        await LinkAsync(h, fromTransport: false);
        Assert.That((await h.SendAsync(Movistar, "2", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        Assert.That((await h.SendAsync(Movistar, "3", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));

        await h.InboundAsync(MovistarLid, "una respuesta");
        Assert.That((await h.SendAsync(Movistar, "4", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
    }

    [Test]
    public async Task Merging_two_chats_that_both_sent_counts_the_sends_of_both()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 3);
        await h.MakeAutonomousAsync(MovistarLid);
        await h.MakeAutonomousAsync(Movistar);
        await h.SendAsync(MovistarLid, "1", Initiator.Agent);
        await h.SendAsync(Movistar, "2", Initiator.Agent);
        await h.InboundAsync(Movistar);
        await h.InboundAsync(MovistarLid);
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True);

        Assert.That((await h.SendAsync(Movistar, "3", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        Assert.That((await h.SendAsync(Movistar, "4", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Limits_of_a_linked_chat_survive_a_restart(bool checkpointAfterTheLink)
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 3);
        await h.MakeAutonomousAsync(MovistarLid);
        await h.SendAsync(MovistarLid, "1", Initiator.Agent);
        await h.SendAsync(MovistarLid, "2", Initiator.Agent);
        await h.InboundAsync(MovistarLid);
        await h.Policy.FlushAsync(); // the checkpoint holds the counters under the LID
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        if (checkpointAfterTheLink)
        {
            await h.Policy.FlushAsync();
        }

        await h.RestartAsync();
        Assert.That((await h.SendAsync(Movistar, "3", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        Assert.That((await h.SendAsync(Movistar, "4", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
    }

    private static async Task LinkAsync(PolicyHarness h, bool fromTransport)
    {
        if (fromTransport)
        {
            // The transport names the phone JID as the alternate of an inbound message: the link is made from it.
            var inbound = await h.InboundAsync(MovistarLid, "hola", alt: Movistar);
            Assert.That(inbound.Outcome, Is.EqualTo(InboundOutcome.Delivered));
        }
        else
        {
            Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True);
        }

        Assert.That(h.Policy.GetPrimary(Id(MovistarLid)), Is.EqualTo(Id(Movistar)));
    }

    // ---- 8. A clock near the end of time never crashes a decision -------------------------------------------------

    [Test]
    public async Task A_clock_at_the_end_of_time_clamps_the_draft_expiry_and_never_throws()
    {
        // Started there: moving a fake clock that far would fire the one-second checkpoint timer for every second between.
        await using var h = await CreateAsync(start: DateTimeOffset.MaxValue.AddMinutes(-1));
        var draft = await h.SendAsync(Movistar, "hola");
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That(h.Policy.GetPendingDrafts().Single().ExpiresAt, Is.EqualTo(DateTimeOffset.MaxValue));
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).Outcome, Is.EqualTo(OutboundOutcome.Permitted));

        await h.MakeAutonomousAsync(Vodafone);
        Assert.That((await h.SendAsync(Vodafone, "x", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
        Assert.That((await h.InboundAsync(Orange)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
    }

    // ---- 9. Reserved, empty and disguised actors ------------------------------------------------------------------

    private static readonly string[] InvalidActors =
    [
        "agent", "AGENT", "System", " system ", "\uFF41\uFF47\uFF45\uFF4E\uFF54", "", "   ", "\t",
        "own\u202Eer", "own\u200Ber", "own\u0007er", new string('x', 129),
    ];

    [TestCaseSource(nameof(InvalidActors))]
    public async Task Invalid_actors_change_nothing_and_are_not_audited(string actor)
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar, "hola");
        await h.MakeAutonomousAsync(Vodafone);
        h.DrainAudit();
        var eventsBefore = h.Store.Events.Count;

        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.RejectDraftAsync(draft.Draft, actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.ApproveChatAsync(Id(Orange), actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.SetModeAsync(Id(Vodafone), ServiceChatMode.DraftOnly, actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.PauseAsync(Id(Vodafone), actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.ResumeAsync(Id(Vodafone), actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.RevokeAsync(Id(Vodafone), actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), actor)).Reason, Is.EqualTo(ReasonCode.InvalidActor));

        Assert.That(h.Store.Events.Count, Is.EqualTo(eventsBefore));
        Assert.That(h.DrainAudit(), Is.Empty);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Pending));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.Autonomous));
    }

    [Test]
    public async Task A_null_actor_is_invalid_too()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), null!)).Reason, Is.EqualTo(ReasonCode.InvalidActor));
    }

    [Test]
    public async Task A_named_actor_is_recorded_trimmed()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.ApproveChatAsync(Id(Movistar), "  Ana López  ")).Ok, Is.True);
        Assert.That(h.DrainAudit().Single().Actor, Is.EqualTo("Ana López"));
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "agente")).Ok, Is.True, "only the exact reserved words are refused");
    }

    // ---- 10. Replies reset the consecutive counter after operator actions on configured chats --------------------

    [TestCase("pause-resume")]
    [TestCase("set-mode")]
    [TestCase("revoke-approve")]
    public async Task After_an_operator_action_on_a_configured_chat_a_reply_still_resets_the_consecutive_count(string action)
    {
        await using var h = await CreateAsync(o =>
        {
            o.ApprovedChats = [Movistar];
            o.DefaultMode = ServiceChatMode.Autonomous;
            o.MaxConsecutiveAgentSendsWithoutReply = 2;
        });
        await h.SendAsync(Movistar, "1", Initiator.Agent);
        await h.SendAsync(Movistar, "2", Initiator.Agent);
        Assert.That((await h.SendAsync(Movistar, "3", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));

        switch (action)
        {
            case "pause-resume":
                await h.Policy.PauseAsync(Id(Movistar), "owner");
                await h.Policy.ResumeAsync(Id(Movistar), "owner");
                break;
            case "set-mode":
                await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner");
                break;
            default:
                await h.Policy.RevokeAsync(Id(Movistar), "owner");
                await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
                break;
        }

        Assert.That((await h.SendAsync(Movistar, "4", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply), "an operator action is no reply");
        Assert.That((await h.InboundAsync(Movistar, "respuesta")).Outcome, Is.EqualTo(InboundOutcome.Delivered));
        Assert.That((await h.SendAsync(Movistar, "5", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
    }

    // ---- 15. At most 600 inbound_blocked events an hour --------------------------------------------------------------

    [Test]
    public async Task Strangers_cannot_write_more_than_600_blocked_events_an_hour_and_the_rest_is_rolled_up()
    {
        await using var h = await CreateAsync();
        for (var i = 0; i < 700; i++)
        {
            Assert.That((await h.InboundAsync(Stranger(i))).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        }

        Assert.That(h.DrainAudit().Count(e => e.Type == PolicyEventType.InboundBlocked), Is.EqualTo(MaxPerHour));
        Assert.That(h.Status(Stranger(650)), Is.EqualTo(ServiceChatStatus.Blocked), "a capped block still marks the chat for listings");

        h.Time.Advance(TimeSpan.FromHours(1));
        await h.InboundAsync(Stranger(1000));
        var events = h.DrainAudit();
        Assert.That(events.Select(e => (e.Type, e.Chat.IsEmpty, e.Reason, e.Count)), Is.EqualTo(new[]
        {
            (PolicyEventType.InboundBlocked, true, ReasonCode.UnknownChat, 100),
            (PolicyEventType.InboundBlocked, false, ReasonCode.UnknownChat, 1),
        }));
    }

    [Test]
    public async Task The_roll_up_survives_a_restart_and_is_written_by_the_sweep()
    {
        await using var h = await CreateAsync();
        for (var i = 0; i < MaxPerHour + 5; i++)
        {
            await h.InboundAsync(Stranger(i));
        }

        await h.Policy.FlushAsync();
        h.DrainAudit();
        await h.RestartAsync(); // a clean shutdown writes the roll-up, whatever the hour
        var rollup = h.DrainAudit().Where(e => e.Type == PolicyEventType.InboundBlocked).ToList();
        Assert.That(rollup.Select(e => (e.Chat.IsEmpty, e.Count)), Is.EqualTo(new[] { (true, 5) }));

        for (var i = 0; i < 3; i++)
        {
            await h.InboundAsync(Stranger(2000 + i)); // still the same hour, the cap still holds (the roll-up counts too)
        }

        Assert.That(h.DrainAudit().Count(e => e.Type == PolicyEventType.InboundBlocked), Is.Zero);
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.Policy.SweepAsync();
        Assert.That(h.DrainAudit().Select(e => (e.Chat.IsEmpty, e.Count)), Is.EqualTo(new[] { (true, 3) }));
    }

    [Test]
    public async Task A_crash_keeps_the_capped_counts_that_were_checkpointed()
    {
        await using var h = await CreateAsync();
        for (var i = 0; i < MaxPerHour + 7; i++)
        {
            await h.InboundAsync(Stranger(i));
        }

        await h.Policy.FlushAsync();
        var events = h.Store.Events.Count;

        // A second policy over the same store without the first one's shutdown: what a crash leaves behind.
        await using var restarted = await new ServiceConversationPolicyBuilder().WithOptions(h.Policy.Options).WithStateStore(h.Store).WithTimeProvider(h.Time).BuildAsync();
        Assert.That(h.Store.Events.Count, Is.EqualTo(events + 1), "only the restart's policy_loaded");
        h.Time.Advance(TimeSpan.FromHours(1));
        await restarted.SweepAsync();
        Assert.That(h.Store.Events[^1].Count, Is.EqualTo(7));
        Assert.That(h.Store.Events[^1].Chat.IsEmpty, Is.True);
    }

    private const int MaxPerHour = ServiceConversationPolicy.MaxInboundBlockedEventsPerHour;

    private static string Stranger(int i) => $"{34699000000 + i}@s.whatsapp.net";

    // ---- 16. No auto-reply to a chat that wrote unasked ------------------------------------------------------------

    [Test]
    public async Task An_agent_first_contact_to_a_recently_blocked_chat_is_always_a_draft()
    {
        await using var h = await CreateAsync(o =>
        {
            o.RequireExplicitApprovalForFirstContact = false;
            o.AllowAgentInitiatedServiceChats = true;
        });
        Assert.That((await h.InboundAsync(Movistar, "¿Le interesa nuestra oferta?")).Reason, Is.EqualTo(ReasonCode.UnknownChat));

        var reply = await h.SendAsync(Movistar, "Sí, cuénteme", Initiator.Agent);
        Assert.That(reply.Outcome, Is.EqualTo(OutboundOutcome.Draft), "an agent must never answer a stranger on its own");
        Assert.That((await h.SendAsync(Vodafone, "hola", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted), "a chat that never wrote: direct, as configured");
        Assert.That((await h.SendAsync(Orange, "hola", Initiator.Operator)).Outcome, Is.EqualTo(OutboundOutcome.Permitted));

        h.Time.Advance(TimeSpan.FromDays(7));
        await h.Policy.RejectDraftAsync(reply.Draft, "owner");
        Assert.That((await h.SendAsync(Movistar, "hola otra vez", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Permitted), "7 days after the block the mark is gone");
    }
}
