using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

public class SessionAndAliasTests
{
    [Test]
    public async Task The_first_contact_binds_its_session_and_replies_return_it()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar, session: "s-42");
        var reply = await h.InboundAsync(Movistar);
        Assert.That(reply.SessionId, Is.EqualTo("s-42"));
    }

    [Test]
    public async Task Later_sends_do_not_rebind_the_session()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar, session: "s-1");
        var follow = await h.SendAsync(Movistar, "x", session: "s-2");
        await h.Policy.ApproveDraftAsync(follow.Draft, "owner");
        Assert.That((await h.InboundAsync(Movistar)).SessionId, Is.EqualTo("s-1"));
    }

    [Test]
    public async Task A_draft_binds_when_its_approval_sends_it_with_the_session_it_was_drafted_in()
    {
        await using var h = await CreateAsync();
        var first = await h.SendAsync(Movistar, "a", session: "s-draft");
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.Null, "a draft binds nothing");
        await h.Policy.ApproveDraftAsync(first.Draft, "owner");
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-draft"));
    }

    [Test]
    public async Task A_chat_without_a_session_binds_at_the_first_send_that_carries_one()
    {
        await using var h = await CreateAsync();
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        await h.SendAsync(Movistar, "no session");
        Assert.That((await h.InboundAsync(Movistar)).SessionId, Is.Null);
        await h.SendAsync(Movistar, "with", session: "s-7");
        await h.SendAsync(Movistar, "other", session: "s-8");
        Assert.That((await h.InboundAsync(Movistar)).SessionId, Is.EqualTo("s-7"));
        Assert.That(h.AuditTypes(), Does.Not.Contain("session_bound"), "binding by a later send is bookkeeping, not audited");
        Assert.That(h.Store.Events.Count(e => e.Type == PolicyEventType.SendPermitted), Is.EqualTo(1), "but it is persisted, with the permit that bound it");
    }

    [Test]
    public async Task Revoking_drops_the_session_and_re_approval_binds_anew()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar, session: "old");
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.Null);
        await h.SendAsync(Movistar, "x", session: "new");
        Assert.That((await h.InboundAsync(Movistar)).SessionId, Is.EqualTo("new"));
    }

    [Test]
    public async Task A_reply_from_the_lid_alias_lands_in_the_same_session()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar, session: "s-42");
        var reply = await h.InboundAsync(MovistarLid, "Hola", alt: Movistar);
        Assert.That(reply.IsDelivered, Is.True);
        Assert.That(reply.SessionId, Is.EqualTo("s-42"));
        Assert.That(reply.Chat.ToString(), Is.EqualTo(Movistar));
        var linked = h.DrainAudit().Single(e => e.Type == PolicyEventType.AliasLinked);
        Assert.That((linked.Chat.ToString(), linked.Alias.ToString(), linked.Actor), Is.EqualTo((Movistar, MovistarLid, "system")));

        Assert.That((await h.InboundAsync(MovistarLid)).SessionId, Is.EqualTo("s-42"), "the link is kept");
    }

    [Test]
    public async Task An_alternate_jid_links_nothing_when_neither_side_is_known()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.InboundAsync(MovistarLid, alt: Movistar)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That(h.DrainAudit().Any(e => e.Type == PolicyEventType.AliasLinked), Is.False);
        Assert.That(h.Policy.GetStatus(Id(MovistarLid)).Alias.IsEmpty, Is.True);
    }

    [Test]
    public async Task Operator_alias_links_a_pair_in_any_case_and_refuses_bad_pairs()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.LinkAliasAsync(Id(MovistarLid), Id(Movistar), "owner")).Ok, Is.True);
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True, "linking again is idempotent");
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id("9@lid"), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState), "a linked phone is never re-linked");
        Assert.That((await h.Policy.LinkAliasAsync(Id(Vodafone), Id(MovistarLid), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState));
        Assert.That((await h.Policy.LinkAliasAsync(Id(Vodafone), Id(Orange), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState), "phone+phone");
        Assert.That((await h.Policy.LinkAliasAsync(Id("1@lid"), Id("2@lid"), "owner")).Reason, Is.EqualTo(ReasonCode.InvalidState), "LID+LID");
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "alias_linked" }));
        Assert.That(h.Policy.GetStatus(Id(MovistarLid)).Chat.ToString(), Is.EqualTo(Movistar));
    }

    [Test]
    public async Task Linking_two_records_keeps_the_most_restrictive_state_and_the_earliest_session()
    {
        await using var h = await CreateAsync();
        await h.Policy.ApproveChatAsync(Id(MovistarLid), "owner", ServiceChatMode.Autonomous);
        await h.SendAsync(MovistarLid, "x", session: "early");
        h.Time.Advance(System.TimeSpan.FromMinutes(1));
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftOnly);
        var draft = await h.SendAsync(Movistar, "y", session: "late");
        await h.Policy.ApproveDraftAsync(draft.Draft, "owner");

        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        var status = h.Policy.GetStatus(Id(MovistarLid));
        Assert.That(status.Status, Is.EqualTo(ServiceChatStatus.DraftOnly));
        Assert.That(status.SessionId, Is.EqualTo("early"));
        Assert.That(status.Chat.ToString(), Is.EqualTo(Movistar));
    }

    [Test]
    public async Task A_revoked_alias_revokes_the_linked_chat()
    {
        await using var h = await CreateAsync();
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        await h.Policy.RevokeAsync(Id(MovistarLid), "owner");
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.Revoked));
        Assert.That((await h.SendAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.Revoked));
    }

    [Test]
    public async Task Approval_mode_and_limits_hold_for_every_alias()
    {
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1);
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        await h.Policy.ApproveChatAsync(Id(MovistarLid), "owner", ServiceChatMode.Autonomous);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous));
        Assert.That((await h.SendAsync(Movistar)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(MovistarLid)).Reason, Is.EqualTo(ReasonCode.HourlySendLimit), "one chat, one limit");
        await h.Policy.PauseAsync(Id(Movistar), "owner");
        Assert.That((await h.SendAsync(MovistarLid)).Reason, Is.EqualTo(ReasonCode.Paused));
    }
}
