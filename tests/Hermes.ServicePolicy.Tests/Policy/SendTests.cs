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

/// <summary>docs/behaviour.md "Sending": a permit, then the host's report: delivered, failed (undone) or unknown.</summary>
public class SendTests
{
    [Test]
    public async Task A_delivered_autonomous_send_is_audited_with_its_exact_text_and_a_repeat_report_is_a_no_op()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        h.DrainAudit();
        var permit = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "¿Hay novedades de mi factura?", Initiator.Agent, "s-9"));
        Assert.That(permit.IsPermitted && !permit.Send.IsEmpty, Is.True);
        Assert.That(h.Policy.GetPendingSends().Single().Send, Is.EqualTo(permit.Send));
        Assert.That(h.DrainAudit(), Is.Empty, "nothing is audited as sent before the transport says so");

        Assert.That((await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Delivered("wamid.HBg"))).Ok, Is.True);
        var sent = h.DrainAudit().Single();
        Assert.That((sent.Type, sent.Actor, sent.Text, sent.Send, sent.TransportMessageId, sent.SessionId, sent.Initiator),
            Is.EqualTo((PolicyEventType.MessageSent, "system", "¿Hay novedades de mi factura?", permit.Send, "wamid.HBg", "s-9", (Initiator?)Initiator.Agent)));
        Assert.That(h.Policy.GetPendingSends(), Is.Empty);

        Assert.That((await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Delivered("another id"))).Ok, Is.True, "the same outcome again: ok");
        Assert.That((await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Failed("late"))).Reason, Is.EqualTo(ReasonCode.UnknownSend), "another outcome after the first report");
        Assert.That(h.DrainAudit(), Is.Empty);
    }

    [Test]
    public async Task A_report_for_an_id_never_issued_answers_unknown_send_and_changes_nothing()
    {
        await using var h = await CreateAsync();
        Assert.That((await h.Policy.ConfirmSendAsync(new SendId(99, 1), SendReport.Delivered())).Reason, Is.EqualTo(ReasonCode.UnknownSend));
        Assert.That((await h.Policy.ConfirmSendAsync(default(SendId), SendReport.Unknown())).Reason, Is.EqualTo(ReasonCode.UnknownSend));
        Assert.That(h.DrainAudit(), Is.Empty);
    }

    [Test]
    public async Task A_failed_first_contact_gives_its_slot_back_and_its_draft_can_be_approved_again_with_the_same_id_and_expiry()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 1);
        var draft = await h.SendAsync(Movistar, "Hola", session: "s-1");
        var before = h.Policy.GetPendingDrafts().Single();
        var permit = await h.ApproveAsync(draft.Draft, transport: SendOutcome.Failed);
        Assert.That(permit.IsPermitted, Is.True);

        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "first_contact_drafted", "first_contact_approved", "send_failed" }));
        var again = h.Policy.GetPendingDrafts().Single();
        Assert.That((again.Id, again.ExpiresAt, again.Text), Is.EqualTo((before.Id, before.ExpiresAt, "Hola")), "pending again, same id and expiry");
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Pending), "the chat is back to what it was");
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.Null, "the session it bound is unbound");
        Assert.That((await h.InboundAsync(Movistar)).Reason, Is.EqualTo(ReasonCode.UnknownChat));

        var other = await h.SendAsync(Vodafone, "Hola");
        Assert.That((await h.ApproveAsync(other.Draft)).IsPermitted, Is.True, "the daily slot was given back");
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit), "the reopened draft waits for a slot like any other");
    }

    [Test]
    public async Task A_reopened_draft_past_its_time_or_in_a_revoked_chat_is_closed_in_the_same_batch()
    {
        await using var h = await CreateAsync(o => o.PendingDraftTtlMinutes = 10);
        var late = await h.ApproveAsync((await h.SendAsync(Movistar, "uno")).Draft, transport: null);
        h.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.That((await h.Policy.ConfirmSendAsync(late.Send, SendReport.Failed("503"))).Ok, Is.True);

        await h.Policy.ApproveChatAsync(Id(Vodafone), "owner");
        var followUp = await h.ApproveAsync((await h.SendAsync(Vodafone, "dos")).Draft, transport: null);
        await h.Policy.RevokeAsync(Id(Vodafone), "owner");
        Assert.That((await h.Policy.ConfirmSendAsync(followUp.Send, SendReport.Failed("refused"))).Ok, Is.True);

        var events = h.DrainAudit().Where(e => e.Type is PolicyEventType.SendFailed or PolicyEventType.FirstContactExpired or PolicyEventType.DraftCancelled).ToList();
        Assert.That(events.Select(e => e.Type.ToCode()), Is.EqualTo(new[] { "send_failed", "first_contact_expired", "send_failed", "draft_cancelled" }));
        Assert.That(events[1].Sequence, Is.EqualTo(events[0].Sequence + 1));
        Assert.That(events[3].Sequence, Is.EqualTo(events[2].Sequence + 1));
        Assert.That((events[0].FirstContact, events[0].Error, events[2].FirstContact), Is.EqualTo((true, "503", false)));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.Revoked), "a revocation always stays");
        Assert.That(h.Policy.GetPendingDrafts(), Is.Empty);
    }

    [Test]
    public async Task A_failed_first_contact_keeps_the_service_status_when_an_operator_acted_on_the_chat_since()
    {
        await using var h = await CreateAsync();
        var permit = await h.ApproveAsync((await h.SendAsync(Movistar, "Hola")).Draft, transport: null);
        await h.Policy.PauseAsync(Id(Movistar), "owner");
        await h.ReportAsync(permit, SendOutcome.Failed);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Paused), "the pause came later: it stays, and with it the chat");
    }

    [Test]
    public async Task A_failed_send_unbinds_only_the_session_it_bound()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        var binding = await h.SendAsync(Movistar, "uno", Initiator.Agent, session: "s-1", transport: null);
        var later = await h.SendAsync(Movistar, "dos", Initiator.Agent, session: "s-2", transport: null);
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-1"));
        await h.ReportAsync(later, SendOutcome.Failed);
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-1"), "the later send bound nothing");
        await h.ReportAsync(binding, SendOutcome.Failed);
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.Null);
        await h.SendAsync(Movistar, "tres", Initiator.Agent, session: "s-3");
        Assert.That(h.Policy.GetStatus(Id(Movistar)).SessionId, Is.EqualTo("s-3"), "the next send binds anew");
    }

    [Test]
    public async Task Unknown_counts_as_sent_for_promotion_and_failed_does_not()
    {
        await using var h = await CreateAsync(o => o.AutoPromoteRepliedToChats = true);
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftFirst);
        await h.ApproveAsync((await h.SendAsync(Movistar, "uno")).Draft, transport: SendOutcome.Failed);
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst), "a failed send is not 'we have sent'");

        var permit = await h.ApproveAsync(h.Policy.GetPendingDrafts().Single().Id, transport: SendOutcome.Unknown);
        Assert.That(permit.IsPermitted, Is.True, "the draft reopened by the failure is approved again");
        await h.InboundAsync(Movistar);
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Autonomous), "unknown may have gone out: it counts");
        Assert.That(h.Store.Events.Single(e => e.Type == PolicyEventType.SendUnknown).Error, Is.EqualTo("timeout"));
    }

    [Test]
    public async Task A_delivered_report_after_a_revocation_is_a_fact_that_changes_no_state()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        var permit = await h.SendAsync(Movistar, "hola", Initiator.Agent, session: "s-1", transport: null);
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        await h.ReportAsync(permit, SendOutcome.Delivered);
        Assert.That(h.AuditTypes().TakeLast(2), Is.EqualTo(new[] { "chat_revoked", "message_sent" }));
        var status = h.Policy.GetStatus(Id(Movistar));
        Assert.That((status.Status, status.SessionId), Is.EqualTo((ServiceChatStatus.Revoked, (string?)null)));
    }

    [Test]
    public async Task The_sweep_closes_unreported_sends_as_unknown_after_send_confirmation_minutes_and_a_report_before_it_still_counts()
    {
        await using var h = await CreateAsync(o => o.SendConfirmationMinutes = 5);
        await h.MakeAutonomousAsync(Movistar);
        var early = await h.SendAsync(Movistar, "uno", Initiator.Agent, transport: null);
        var late = await h.SendAsync(Movistar, "dos", Initiator.Agent, transport: null);
        h.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.That((await h.Policy.SweepAsync()).SendsClosed, Is.Zero);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.That((await h.Policy.ConfirmSendAsync(early.Send, SendReport.Delivered())).Ok, Is.True, "past the deadline, but before the sweep ran");
        Assert.That(await h.Policy.SweepAsync(), Is.EqualTo(new SweepResult(0, 1)));

        var closed = h.Store.Events.Single(e => e.Type == PolicyEventType.SendUnknown);
        Assert.That((closed.Send, closed.Reason, closed.Actor), Is.EqualTo((late.Send, ReasonCode.NotConfirmed, "system")));
        Assert.That((await h.Policy.ConfirmSendAsync(late.Send, SendReport.Unknown())).Ok, Is.True, "the same outcome as the sweep's");
        Assert.That((await h.Policy.ConfirmSendAsync(late.Send, SendReport.Delivered())).Reason, Is.EqualTo(ReasonCode.UnknownSend));
    }

    [Test]
    public async Task Error_text_is_cut_to_500_characters_and_stripped_of_control_characters()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        var permit = await h.SendAsync(Movistar, "x", Initiator.Agent, transport: null);
        await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Failed("bad\r\ngateway\u0007" + new string('x', 600)));
        var error = h.Store.Events.Single(e => e.Type == PolicyEventType.SendFailed).Error!;
        Assert.That(error, Has.Length.EqualTo(500));
        Assert.That(error, Does.StartWith("badgateway"));
    }

    [Test]
    public async Task More_unconfirmed_autonomous_sends_than_the_ring_holds_are_all_still_confirmable()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = 10000;
            o.MaxConsecutiveAgentSendsWithoutReply = 1000;
        });
        await h.MakeAutonomousAsync(Movistar);
        var permits = new OutboundDecision[1500];
        for (var i = 0; i < permits.Length; i++)
        {
            permits[i] = await h.SendAsync(Movistar, $"m{i}", Initiator.Agent, transport: null);
            if (i % 900 == 899)
            {
                await h.InboundAsync(Movistar); // a reply keeps the consecutive limit away
            }
        }

        Assert.That(h.Policy.GetPendingSends(), Has.Count.EqualTo(1500));
        foreach (var permit in permits)
        {
            Assert.That((await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Delivered())).Ok, Is.True, permit.Send.ToString());
        }

        Assert.That(h.Store.Events.Where(e => e.Type == PolicyEventType.MessageSent).Select(e => e.Text), Is.EqualTo(permits.Select(p => p.Text)));
        Assert.That(h.Policy.GetPendingSends(), Is.Empty);
    }

    [Test]
    public async Task Confirmations_work_while_the_feature_is_off()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        var permit = await h.SendAsync(Movistar, "x", Initiator.Agent, transport: null);
        await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = false });
        Assert.That((await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Delivered())).Ok, Is.True);
    }
}
