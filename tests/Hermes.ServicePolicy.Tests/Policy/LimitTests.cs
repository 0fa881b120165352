using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

public class LimitTests
{
    [Test]
    public async Task The_daily_limit_counts_first_contacts_sent_in_a_rolling_24_hours()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 2);
        await h.StartConversationAsync(Movistar);
        h.Time.Advance(TimeSpan.FromHours(2));
        await h.StartConversationAsync(Vodafone);
        var third = await h.SendAsync(Orange);
        Assert.That(third.Outcome, Is.EqualTo(OutboundOutcome.Draft), "drafting is never denied by the daily limit");

        var denied = await h.Policy.ApproveDraftAsync(third.Draft, "owner");
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(22)), "when the oldest slot frees");
        h.Time.Advance(TimeSpan.FromHours(22));
        Assert.That((await h.Policy.ApproveDraftAsync(third.Draft, "owner")).IsPermitted, Is.True);
    }

    [Test]
    public async Task Configured_and_operator_approved_chats_never_count_against_the_daily_limit()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxNewServiceChatsPerDay = 1;
            o.ApprovedChats = ["+34 656 000 111"];
            o.DefaultMode = ServiceChatMode.Autonomous;
        });
        await h.Policy.ApproveChatAsync(Id(Vodafone), "owner", ServiceChatMode.Autonomous);
        Assert.That((await h.SendAsync(Orange)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Vodafone)).IsPermitted, Is.True);
        Assert.That((await h.StartConversationAsync(Movistar)).IsPermitted, Is.True, "the one slot is still free");
    }

    [Test]
    public async Task A_daily_limit_of_zero_allows_no_new_service_chat_and_has_no_retry_after()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 0);
        var draft = await h.SendAsync(Movistar);
        var denied = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
        Assert.That(denied.RetryAfter, Is.Null);
    }

    [Test]
    public async Task A_direct_first_contact_reserves_a_daily_slot_when_approval_is_not_required()
    {
        await using var h = await CreateAsync(o =>
        {
            o.RequireExplicitApprovalForFirstContact = false;
            o.MaxNewServiceChatsPerDay = 1;
        });
        var sent = await h.SendAsync(Movistar, "hola", session: "s1");
        Assert.That(sent.IsPermitted && sent.IsFirstContact, Is.True);
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "first_contact_approved", "first_contact_sent" }), "the permit, then the confirmation; no chat_approved besides them");
        var denied = await h.SendAsync(Vodafone);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s1"));
    }

    [Test]
    public async Task The_hourly_limit_slides_and_says_when_a_send_frees()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = 3;
            o.MaxConsecutiveAgentSendsWithoutReply = 100;
        });
        await h.MakeAutonomousAsync(Movistar);
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted, Is.True);
            h.Time.Advance(TimeSpan.FromMinutes(10));
        }

        var denied = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(30)));
        h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
    }

    [Test]
    public async Task Limits_are_per_chat()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.MakeAutonomousAsync(Movistar);
        await h.MakeAutonomousAsync(Vodafone);
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Vodafone)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
    }

    [Test]
    public async Task Consecutive_sends_wait_for_a_reply_and_carry_no_retry_after()
    {
        await using var h = await CreateAsync(o => o.MaxConsecutiveAgentSendsWithoutReply = 2);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        var denied = await h.SendAsync(Movistar);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));
        Assert.That(denied.RetryAfter, Is.Null);
        h.Time.Advance(TimeSpan.FromDays(1));
        Assert.That((await h.SendAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply), "time alone does not help");

        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True, "a reply resets the counter");
    }

    [TestCase(0, 5, ReasonCode.HourlySendLimit)]
    [TestCase(5, 0, ReasonCode.ConsecutiveSendsWithoutReply)]
    public async Task A_limit_of_zero_means_no_autonomous_sends(int hourly, int consecutive, ReasonCode reason)
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = hourly;
            o.MaxConsecutiveAgentSendsWithoutReply = consecutive;
        });
        await h.MakeAutonomousAsync(Movistar);
        var denied = await h.SendAsync(Movistar);
        Assert.That(denied.Reason, Is.EqualTo(reason));
        Assert.That(denied.RetryAfter, Is.Null);
    }

    [Test]
    public async Task Approved_drafts_and_first_contacts_neither_count_nor_reset_the_autonomous_limits()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = 2;
            o.MaxConsecutiveAgentSendsWithoutReply = 2;
        });
        await h.StartConversationAsync(Movistar);
        for (var i = 0; i < 3; i++)
        {
            var draft = await h.SendAsync(Movistar, $"draft {i}");
            Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).IsPermitted, Is.True);
        }

        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner");
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        var denied = await h.SendAsync(Movistar);
        Assert.That(denied.IsPermitted, Is.False);

        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.DraftOnly, "owner");
        var approved = await h.SendAsync(Movistar, "while limited");
        Assert.That((await h.Policy.ApproveDraftAsync(approved.Draft, "owner")).IsPermitted, Is.True, "approved drafts are not limited by the autonomous limits");
        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner");
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.False, "nor do they reset them");
    }

    [Test]
    public async Task Limit_denials_are_audited_with_their_retry_after()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.MakeAutonomousAsync(Movistar);
        await h.SendAsync(Movistar, initiator: Initiator.Agent);
        h.DrainAudit();
        await h.SendAsync(Movistar, initiator: Initiator.Agent);
        var denied = h.DrainAudit();
        Assert.That(denied, Has.Count.EqualTo(1));
        Assert.That(denied[0].Type.ToCode(), Is.EqualTo("outbound_denied"));
        Assert.That(denied[0].Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
        Assert.That(denied[0].RetryAfter, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(denied[0].Actor, Is.EqualTo("agent"));
    }
}
