using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>Every row of SPEC.md's state table: inbound and outbound per state.</summary>
public class StateTableTests
{
    [Test]
    public async Task Unknown_chat_inbound_is_blocked_and_outbound_is_a_first_contact_draft()
    {
        await using var h = await CreateAsync();
        var inbound = await h.InboundAsync(Movistar);
        Assert.That(inbound.IsDelivered, Is.False);
        Assert.That(inbound.Reason, Is.EqualTo(ReasonCode.UnknownChat));

        var outbound = await h.SendAsync(Movistar);
        Assert.That(outbound.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That(outbound.IsFirstContact, Is.True);
        Assert.That(outbound.Draft.Value, Does.StartWith("d_"));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Pending));
    }

    [Test]
    public async Task Draft_first_delivers_inbound_and_drafts_every_outbound()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        var follow = await h.SendAsync(Movistar, "¿algo más?");
        Assert.That(follow.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That(follow.IsFirstContact, Is.False);
    }

    [Test]
    public async Task Draft_only_delivers_inbound_drafts_outbound_and_is_never_promoted()
    {
        await using var h = await CreateAsync(o => o.AutoPromoteRepliedToChats = true);
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftOnly);
        var draft = await h.SendAsync(Movistar);
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).IsPermitted, Is.True);
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftOnly));
    }

    [Test]
    public async Task Autonomous_delivers_inbound_and_sends_outbound()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        var sent = await h.SendAsync(Movistar, "exact text");
        Assert.That(sent.IsPermitted, Is.True);
        Assert.That(sent.Text, Is.EqualTo("exact text"));
        Assert.That(sent.Chat.ToString(), Is.EqualTo(Movistar));
    }

    [Test]
    public async Task Paused_delivers_inbound_denies_outbound_and_resume_restores_the_mode()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.Policy.PauseAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Paused));
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
        var denied = await h.SendAsync(Movistar);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.Paused));

        Assert.That((await h.Policy.ResumeAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
    }

    [Test]
    public async Task Revoked_blocks_both_ways_until_approved_again()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.Policy.RevokeAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Revoked));
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.Revoked));
        Assert.That((await h.SendAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.Revoked));

        Assert.That((await h.Policy.ApproveChatAsync(Id(Movistar), "owner")).Ok, Is.True);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst), "re-approval without a mode takes default_mode");
        Assert.That((await h.InboundAsync(Movistar)).IsDelivered, Is.True);
    }

    [Test]
    public async Task Revoking_cancels_pending_drafts_and_pausing_does_not()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        var pausedDraft = await h.SendAsync(Movistar, "one");
        await h.Policy.PauseAsync(Id(Movistar), "owner");
        Assert.That(h.Policy.GetPendingDrafts(), Has.Count.EqualTo(1));
        Assert.That((await h.Policy.ApproveDraftAsync(pausedDraft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.Paused));
        await h.Policy.ResumeAsync(Id(Movistar), "owner");
        h.DrainAudit();

        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "chat_revoked", "draft_cancelled" }));
        Assert.That(h.Policy.GetPendingDrafts(), Is.Empty);
        Assert.That((await h.Policy.ApproveDraftAsync(pausedDraft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
    }

    [Test]
    public async Task Revoking_cancels_a_pending_first_contact()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar);
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "first_contact_drafted", "chat_revoked", "first_contact_cancelled" }));
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
    }

    [TestCase(PolicyHarness.Group, ReasonCode.GroupChat)]
    [TestCase("34600123456-1600000000@g.us", ReasonCode.GroupChat)]
    [TestCase("status@broadcast", ReasonCode.BroadcastChat)]
    [TestCase("1600000000@broadcast", ReasonCode.BroadcastChat)]
    [TestCase("120363144038483540@newsletter", ReasonCode.BroadcastChat)]
    public async Task Groups_broadcasts_and_newsletters_are_never_service_chats(string jid, ReasonCode reason)
    {
        await using var h = await CreateAsync(o => o.AllowAgentInitiatedServiceChats = true);
        Assert.That((await h.InboundAsync(jid)).Reason, Is.EqualTo(reason));
        Assert.That((await h.SendAsync(jid)).Reason, Is.EqualTo(reason));
        Assert.That((await h.SendAsync(jid, initiator: Initiator.Agent)).Reason, Is.EqualTo(reason));
        Assert.That((await h.Policy.ApproveChatAsync(Id(jid), "owner", ServiceChatMode.Autonomous)).Reason, Is.EqualTo(reason));
        Assert.That((await h.Policy.RevokeAsync(Id(jid), "owner")).Reason, Is.EqualTo(reason));
        Assert.That((await h.Policy.PauseAsync(Id(jid), "owner")).Reason, Is.EqualTo(reason));
        Assert.That((await h.Policy.SetModeAsync(Id(jid), ServiceChatMode.DraftOnly, "owner")).Reason, Is.EqualTo(reason));
        Assert.That((await h.Policy.LinkAliasAsync(Id(jid), Id(MovistarLid), "owner")).Reason, Is.EqualTo(reason));
    }

    [Test]
    public async Task Nothing_is_ever_sent_back_to_an_unknown_or_revoked_chat()
    {
        await using var h = await CreateAsync(o => o.AllowAgentInitiatedServiceChats = true);
        var toUnknown = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(toUnknown.IsPermitted, Is.False, "the agent's first message to an unknown chat is a draft");
        await h.Policy.RevokeAsync(Id(Vodafone), "owner");
        Assert.That((await h.SendAsync(Vodafone, initiator: Initiator.Agent)).IsPermitted, Is.False);
    }
}
