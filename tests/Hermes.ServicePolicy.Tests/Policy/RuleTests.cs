using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>SPEC.md "Precise rules", one test or more per rule.</summary>
public class RuleTests
{
    [Test]
    public async Task The_feature_off_answers_feature_disabled_without_audit_but_operator_actions_work()
    {
        await using var h = await CreateAsync(enabled: false);
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled));
        Assert.That((await h.SendAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled));
        Assert.That((await h.InboundAsync(Group)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled));
        Assert.That(h.AuditTypes(), Is.Empty);

        Assert.That((await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.RevokeAsync(Id(Vodafone), "owner")).Ok, Is.True);
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "chat_approved", "chat_paused", "chat_revoked" }));
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled), "still off");
    }

    [Test]
    public async Task Agent_initiated_first_contact_is_denied_unless_allowed()
    {
        await using var denied = await CreateAsync();
        var result = await denied.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.AgentInitiatedNotAllowed));
        Assert.That(denied.DrainAudit().Single().Type, Is.EqualTo(PolicyEventType.OutboundDenied));
        Assert.That(denied.Policy.GetPendingDrafts(), Is.Empty, "no draft exists after a denial before the mode step");

        await using var allowed = await CreateAsync(o => o.AllowAgentInitiatedServiceChats = true);
        Assert.That((await allowed.SendAsync(Movistar, initiator: Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Draft));
    }

    [Test]
    public async Task The_agent_may_write_in_an_existing_service_chat()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Draft));
    }

    [Test]
    public async Task Configured_chats_take_the_current_default_mode_until_the_operator_sets_one()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = ["+34 610 000 111", "34607000111@c.us"]);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);

        var options = h.Policy.Options;
        options.DefaultMode = ServiceChatMode.Autonomous;
        await h.Policy.ApplyConfigurationAsync(options);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);

        await h.Policy.SetModeAsync(Id(Vodafone), ServiceChatMode.DraftOnly, "owner");
        options.DefaultMode = ServiceChatMode.DraftFirst;
        await h.Policy.ApplyConfigurationAsync(options);
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.DraftOnly), "the operator's mode sticks");
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
    }

    [Test]
    public async Task A_chat_that_became_a_service_chat_keeps_the_mode_it_got()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        var options = h.Policy.Options;
        options.DefaultMode = ServiceChatMode.Autonomous;
        await h.Policy.ApplyConfigurationAsync(options);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
    }

    [Test]
    public async Task Patterns_approve_matching_phone_numbers_only()
    {
        await using var h = await CreateAsync(o => o.ApprovedPatterns = ["+34 610 00*"]);
        Assert.That((await h.InboundAsync("34610000999@s.whatsapp.net")).IsDelivered, Is.True);
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        Assert.That((await h.InboundAsync("34610100000@s.whatsapp.net")).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That((await h.InboundAsync("3461000012345@lid")).Reason, Is.EqualTo(ReasonCode.UnknownChat), "a LID is not a phone number");
    }

    [Test]
    public async Task A_lid_linked_to_an_approved_phone_is_approved_too()
    {
        await using var h = await CreateAsync(o => o.ApprovedPatterns = ["+34 610 00*"]);
        Assert.That((await h.InboundAsync(MovistarLid)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That((await h.InboundAsync(MovistarLid, alt: Movistar)).IsDelivered, Is.True, "the phone side is known, so the transport's alternate JID links them");
        var decision = await h.InboundAsync(MovistarLid);
        Assert.That(decision.IsDelivered, Is.True);
        Assert.That(decision.Chat.ToString(), Is.EqualTo(Movistar), "results name a linked chat by its phone JID");
    }

    [Test]
    public async Task Runtime_revocation_and_pause_win_over_configuration()
    {
        await using var h = await CreateAsync(o =>
        {
            o.ApprovedChats = [Movistar];
            o.ApprovedPatterns = ["+34 607 0*"];
            o.DefaultMode = ServiceChatMode.Autonomous;
        });
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.Revoked));
        await h.Policy.PauseAsync(Id(Vodafone), "owner");
        Assert.That((await h.SendAsync(Vodafone)).Reason, Is.EqualTo(ReasonCode.Paused));

        await h.Policy.RevokeAsync(Id("34607012345@s.whatsapp.net"), "owner");
        Assert.That((await h.InboundAsync("34607012345@s.whatsapp.net")).Reason, Is.EqualTo(ReasonCode.Revoked), "revoking a chat with no record blocks what a pattern approves");
    }

    [Test]
    public async Task Removing_a_chat_from_configuration_removes_only_its_configured_approval()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Movistar, Vodafone]);
        await h.Policy.ApproveChatAsync(Id(Vodafone), "owner", ServiceChatMode.DraftOnly);
        var options = h.Policy.Options;
        options.ApprovedChats = [];
        await h.Policy.ApplyConfigurationAsync(options);
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That((await h.InboundAsync(Vodafone)).IsDelivered, Is.True, "the operator's approval stays");
    }

    [Test]
    public async Task A_reply_after_we_sent_promotes_a_draft_first_chat_when_enabled()
    {
        await using var h = await CreateAsync(o => o.AutoPromoteRepliedToChats = true);
        await h.StartConversationAsync(Movistar);
        h.DrainAudit();
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
        var promoted = h.DrainAudit().Single();
        Assert.That(promoted.Type, Is.EqualTo(PolicyEventType.ChatPromoted));
        Assert.That(promoted.Actor, Is.EqualTo("system"));
        Assert.That((promoted.FromMode, promoted.ToMode), Is.EqualTo((ServiceChatMode.DraftFirst, ServiceChatMode.Autonomous)));
    }

    [Test]
    public async Task A_chat_that_speaks_first_is_never_promoted()
    {
        await using var h = await CreateAsync(o =>
        {
            o.AutoPromoteRepliedToChats = true;
            o.ApprovedChats = [Vodafone];
        });
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftFirst);
        await h.InboundAsync(Movistar);
        await h.InboundAsync(Vodafone);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.DraftFirst));

        var draft = await h.SendAsync(Movistar, "now we send");
        var permit = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst), "a permit is not a send: not confirmed yet, so no promotion");
        await h.ReportAsync(permit, SendOutcome.Delivered);
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous), "after we sent, a reply promotes");
    }

    [Test]
    public async Task Re_entering_draft_first_needs_a_new_send_before_promotion()
    {
        await using var h = await CreateAsync(o => o.AutoPromoteRepliedToChats = true);
        await h.StartConversationAsync(Movistar);
        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.DraftOnly, "owner");
        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.DraftFirst, "owner");
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
    }

    [Test]
    public async Task Without_auto_promotion_replies_change_nothing()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
    }

    [TestCase("/stop", true)]
    [TestCase("  /approve all", true)]
    [TestCase("\u200B\u200E/revoke", true)]
    [TestCase("\t\n/status", true)]
    [TestCase("hola /stop", false)]
    [TestCase("¿Me indica su DNI?", false)]
    [TestCase("", false)]
    public async Task Command_prefixed_text_is_delivered_as_plain_text_and_audited(string text, bool command)
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Movistar]);
        var decision = await h.InboundAsync(Movistar, text);
        Assert.That(decision.IsDelivered, Is.True);
        Assert.That(decision.AsPlainText, Is.EqualTo(command));
        Assert.That(h.AuditTypes(), Is.EqualTo(command ? new[] { "command_blocked" } : Array.Empty<string>()));
    }

    [Test]
    public async Task Command_prefixes_are_configurable()
    {
        await using var h = await CreateAsync(o =>
        {
            o.ApprovedChats = [Movistar];
            o.CommandPrefixes = ["!", "::"];
        });
        Assert.That((await h.InboundAsync(Movistar, "!pause")).AsPlainText, Is.True);
        Assert.That((await h.InboundAsync(Movistar, "::x")).AsPlainText, Is.True);
        Assert.That((await h.InboundAsync(Movistar, "/pause")).AsPlainText, Is.False);
    }

    [Test]
    public async Task Without_media_inbound_media_is_stripped_and_outbound_media_denied()
    {
        await using var h = await CreateAsync(o =>
        {
            o.AllowMedia = false;
            o.ApprovedChats = [Movistar];
            o.DefaultMode = ServiceChatMode.Autonomous;
        });
        var inbound = await h.InboundAsync(Movistar, "factura adjunta", media: true);
        Assert.That(inbound.IsDelivered && inbound.MediaStripped, Is.True);
        Assert.That((await h.InboundAsync(Movistar, "texto")).MediaStripped, Is.False);
        Assert.That((await h.SendAsync(Movistar, "foto", media: true)).Reason, Is.EqualTo(ReasonCode.MediaNotAllowed));
        Assert.That((await h.SendAsync(Movistar, "texto")).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Orange, "foto", media: true)).Reason, Is.EqualTo(ReasonCode.MediaNotAllowed), "media is checked before any first-contact draft exists");
    }

    [Test]
    public async Task With_media_allowed_nothing_is_stripped()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Movistar]);
        Assert.That((await h.InboundAsync(Movistar, "x", media: true)).MediaStripped, Is.False);
    }

    [Test]
    public async Task Resume_of_a_chat_that_is_not_paused_is_invalid_state_and_pause_resume_revoke_are_idempotent()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.Policy.ResumeAsync(Id(Movistar), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.ResumeAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.RevokeAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.RevokeAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "chat_approved", "chat_paused", "chat_resumed", "chat_revoked" }), "repeats record nothing");
    }

    [Test]
    public async Task Pausing_or_setting_the_mode_of_a_chat_that_is_not_a_service_chat_is_invalid_state()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
    }

    [Test]
    public async Task Set_mode_on_a_paused_chat_changes_the_mode_resume_restores()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        await h.Policy.PauseAsync(Id(Movistar), "owner");
        Assert.That((await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner")).Ok, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Paused));
        await h.Policy.ResumeAsync(Id(Movistar), "owner");
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
        var modeChanged = h.DrainAudit().Single(e => e.Type == PolicyEventType.ModeChanged);
        Assert.That((modeChanged.FromMode, modeChanged.ToMode), Is.EqualTo((ServiceChatMode.DraftFirst, ServiceChatMode.Autonomous)));
    }

    [Test]
    public async Task Status_shows_pending_then_blocked_within_seven_days_then_none()
    {
        await using var h = await CreateAsync(o => o.PendingDraftTtlMinutes = 60);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.None));
        await h.SendAsync(Movistar);
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Pending), "pending comes before blocked");
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Blocked));
        h.Time.Advance(TimeSpan.FromDays(7));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.None));
    }

    [Test]
    public async Task Inbound_blocks_are_audited_at_the_first_block_then_at_most_hourly_with_a_count()
    {
        await using var h = await CreateAsync();
        await h.InboundAsync(Movistar);
        for (var i = 0; i < 4; i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        }

        await h.InboundAsync(Vodafone);
        h.Time.Advance(TimeSpan.FromMinutes(20));
        await h.InboundAsync(Movistar);
        var events = h.DrainAudit();
        Assert.That(events.Select(e => (e.Chat.ToString(), e.Count)), Is.EqualTo(new[] { (Movistar, 1), (Vodafone, 1), (Movistar, 5) }));
        Assert.That(events.All(e => e.Type == PolicyEventType.InboundBlocked && e.Reason == ReasonCode.UnknownChat), Is.True);
    }

    [Test]
    public async Task Each_chat_and_reason_pair_is_throttled_on_its_own()
    {
        await using var h = await CreateAsync();
        await h.InboundAsync(Movistar);
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        await h.InboundAsync(Movistar);
        await h.InboundAsync(Movistar);
        var blocks = h.DrainAudit().Where(e => e.Type == PolicyEventType.InboundBlocked).Select(e => e.Reason);
        Assert.That(blocks, Is.EqualTo(new[] { ReasonCode.UnknownChat, ReasonCode.Revoked }));
    }

    [Test]
    public async Task Raw_jids_that_do_not_parse_are_blocked_invalid_chat()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.DecideInboundAsync("garbage", null, "hi")).Reason, Is.EqualTo(ReasonCode.InvalidChat));
        Assert.That((await h.Policy.DecideInboundAsync("34610000111@s.whatsapp.net", "not-a-jid", "hi")).Reason, Is.EqualTo(ReasonCode.UnknownChat), "a bad alternate JID is ignored");
    }

    [Test]
    public async Task Targets_that_do_not_resolve_are_denied_without_audit_in_spec_order()
    {
        await using var h = await CreateAsync();
        h.Recent.Replace([new RecentChat(Movistar, "Movistar", false, 2), new RecentChat(Vodafone, "Movistar", false, 1)]);
        Assert.That((await h.Policy.DecideOutboundAsync(h.Policy.Resolver, "600 12 34 56", "x", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.InvalidTarget));
        Assert.That((await h.Policy.DecideOutboundAsync(h.Policy.Resolver, "Movistar", "x", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.AmbiguousTarget));
        Assert.That((await h.Policy.DecideOutboundAsync(h.Policy.Resolver, "Orange", "x", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.TargetNotFound));
        Assert.That(h.AuditTypes(), Is.Empty);

        await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions());
        Assert.That((await h.Policy.DecideOutboundAsync(h.Policy.Resolver, "600 12 34 56", "x", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.FeatureDisabled), "feature off comes first");
    }

    [Test]
    public async Task Every_decision_explains_itself()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar)).Explain(), Does.Contain("permitted: send to").And.Contain("report the outcome of send s"));
        Assert.That((await h.SendAsync(Movistar)).Explain(), Does.Contain("hourly_send_limit").And.Contain("PT1H"));
        Assert.That((await h.SendAsync(Vodafone)).Explain(), Does.Contain("first-contact draft"));
        Assert.That((await h.InboundAsync(Orange)).Explain(), Does.Contain("unknown_chat"));
        Assert.That((await h.InboundAsync(Movistar, "/x")).Explain(), Does.Contain("plain conversation text"));
        Assert.That((await h.Policy.ResumeAsync(Id(Movistar), "o")).Explain(), Does.Contain("invalid_state"));
    }
}
