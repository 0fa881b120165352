using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Checks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// Host checks (docs/behaviour.md#host-checks): they run only after the library permitted a send or an approval, in
/// registration order, can only make a decision stricter, and fail closed; a hold is a draft for the owner.
/// </summary>
public class HostCheckTests
{
    [Test]
    public async Task An_allowed_send_is_permitted_and_the_check_saw_that_chat_that_text_and_who_asked()
    {
        var check = new ScriptedCheck(_ => OutboundCheckResult.Allow);
        await using var h = await CreateAsync(checks: check);
        await h.MakeAutonomousAsync(Movistar, session: "s-1");
        check.Seen.Clear();
        h.DrainAudit();

        var sent = await h.SendAsync(Movistar, "¿Cuándo llega el técnico?", Initiator.Agent);
        Assert.That(sent.IsPermitted, Is.True, sent.Explain());
        var seen = check.Seen.Single();
        Assert.That((seen.Chat, seen.Text, seen.Initiator, seen.SessionId, seen.IsFirstContact, seen.IsApproval), Is.EqualTo((Id(Movistar), "¿Cuándo llega el técnico?", Initiator.Agent, "s-1", false, false)));
        Assert.That(seen.DecidedAt, Is.EqualTo(h.Time.GetUtcNow()));
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "message_sent" }), "an allow adds nothing to the audit");
    }

    [Test]
    public async Task A_denial_is_audited_with_the_hosts_reason_and_gives_the_slot_back()
    {
        var deny = true;
        var check = new ScriptedCheck(_ => deny ? OutboundCheckResult.Deny("mentions a card number") : OutboundCheckResult.Allow);
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1, checks: check);
        await h.MakeAutonomousAsync(Movistar);
        h.DrainAudit();

        var denied = await h.SendAsync(Movistar, "mi tarjeta es 4111", Initiator.Agent);
        Assert.That((denied.Outcome, denied.Reason, denied.HostReason, denied.RetryAfter), Is.EqualTo((OutboundOutcome.Denied, ReasonCode.HostDenied, "mentions a card number", (TimeSpan?)null)));
        Assert.That(denied.Explain(), Does.Contain("host_denied").And.Contain("mentions a card number"));
        var audited = h.DrainAudit().Single();
        Assert.That((audited.Type, audited.Reason, audited.Detail, audited.Actor), Is.EqualTo((PolicyEventType.OutboundDenied, ReasonCode.HostDenied, "mentions a card number", "agent")));

        deny = false;
        var next = await h.SendAsync(Movistar, "mi tarjeta es 4111", Initiator.Agent);
        Assert.That(next.IsPermitted, Is.True, "the hourly slot and the duplicate guard were not taken by the denied send: " + next.Explain());
    }

    [Test]
    public async Task A_hold_becomes_a_draft_for_the_owner_and_its_approval_is_checked_again_with_hold_as_allow()
    {
        var check = new ScriptedCheck(_ => OutboundCheckResult.Hold("asks for a refund"));
        await using var h = await CreateAsync(checks: check);
        await h.MakeAutonomousAsync(Movistar, session: "s-1");
        h.DrainAudit();

        var held = await h.SendAsync(Movistar, "Quiero un reembolso", Initiator.Agent);
        Assert.That((held.Outcome, held.HostReason, held.IsFirstContact, held.SessionId), Is.EqualTo((OutboundOutcome.Draft, "asks for a refund", false, (string?)null)));
        Assert.That(held.Handle, Is.Not.Null);
        Assert.That(held.Explain(), Does.Contain("by a host check (asks for a refund)"));
        var events = h.DrainAudit();
        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[] { PolicyEventType.HostHeld, PolicyEventType.DraftCreated }));
        Assert.That((events[0].DraftId, events[0].Handle, events[0].Detail), Is.EqualTo((held.Draft.Value, held.Handle, "asks for a refund")));
        Assert.That((events[1].Text, events[1].Detail), Is.EqualTo(("Quiero un reembolso", "asks for a refund")));
        var notice = Hermes.ServicePolicy.Notices.OperatorNotice.From(events[1])!;
        Assert.That(notice.HoldReason, Is.EqualTo("asks for a refund"));
        Assert.That(string.Join("\n", notice.Format()), Does.Contain("A host check held it:\n> asks for a refund"));

        var approved = await h.ApproveAsync(held.Draft);
        Assert.That(approved.IsPermitted, Is.True, approved.Explain());
        Assert.That(approved.Text, Is.EqualTo("Quiero un reembolso"));
        var approval = check.Seen[^1];
        Assert.That((approval.IsApproval, approval.Draft, approval.RequestedBy, approval.Initiator), Is.EqualTo((true, held.Draft, "owner", Initiator.Agent)));
    }

    [Test]
    public async Task A_host_denial_of_an_approval_leaves_the_draft_pending()
    {
        var denyApprovals = true;
        var check = new ScriptedCheck(c => c.IsApproval && denyApprovals ? OutboundCheckResult.Deny("outside office hours") : OutboundCheckResult.Allow);
        await using var h = await CreateAsync(checks: check);
        var draft = await h.SendAsync(Movistar, "Hola, soy el asistente de Ana");
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft), "a draft is made without asking: its approval is asked");
        Assert.That(check.Seen, Is.Empty);
        h.DrainAudit();

        var refused = await h.ApproveAsync(draft.Draft);
        Assert.That((refused.Reason, refused.HostReason, refused.Draft), Is.EqualTo((ReasonCode.HostDenied, "outside office hours", draft.Draft)));
        Assert.That(h.DrainAudit().Single().DraftId, Is.EqualTo(draft.Draft.Value));
        Assert.That(check.Seen.Single().IsFirstContact, Is.True);

        denyApprovals = false;
        Assert.That((await h.ApproveAsync(draft.Draft)).IsPermitted, Is.True, "the draft waited");
    }

    [Test]
    public async Task A_direct_first_contact_held_becomes_a_first_contact_draft_and_gives_the_days_slot_back()
    {
        var check = new ScriptedCheck(c => c.IsFirstContact && !c.IsApproval ? OutboundCheckResult.Hold("new provider") : OutboundCheckResult.Allow);
        await using var h = await CreateAsync(o => { o.RequireExplicitApprovalForFirstContact = false; o.MaxNewServiceChatsPerDay = 1; }, checks: check);
        h.DrainAudit();

        var held = await h.SendAsync(Movistar, "Hola", session: "s-1");
        Assert.That((held.Outcome, held.IsFirstContact), Is.EqualTo((OutboundOutcome.Draft, true)));
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "host_held", "first_contact_drafted" }));
        Assert.That(check.Seen.Single().IsFirstContact, Is.True);

        var approved = await h.ApproveAsync(held.Draft);
        Assert.That(approved.IsPermitted, Is.True, "the hold did not keep the day's only new-chat slot: " + approved.Explain());
    }

    [Test]
    public async Task A_hold_needs_a_free_draft_place()
    {
        var check = new ScriptedCheck(_ => OutboundCheckResult.Hold("review"));
        await using var h = await CreateAsync(o => o.MaxPendingDraftsPerChat = 1, checks: check);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Draft));
        h.DrainAudit();

        var full = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(full.Reason, Is.EqualTo(ReasonCode.TooManyPendingDrafts));
        Assert.That(h.DrainAudit().Single().Reason, Is.EqualTo(ReasonCode.TooManyPendingDrafts));
    }

    [Test]
    public async Task Checks_run_in_registration_order_the_first_denial_ends_the_run_and_a_later_denial_beats_a_hold()
    {
        var order = new List<string>();
        var hold = new ScriptedCheck(_ => OutboundCheckResult.Hold("first says hold"), "hold", order);
        var deny = new ScriptedCheck(_ => OutboundCheckResult.Deny("second says no"), "deny", order);
        var never = new ScriptedCheck(_ => OutboundCheckResult.Allow, "never", order);
        await using var h = await CreateAsync(checks: [hold, deny, never]);
        await h.MakeAutonomousAsync(Movistar);

        var decision = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That((decision.Reason, decision.HostReason), Is.EqualTo((ReasonCode.HostDenied, "second says no")));
        Assert.That(order, Is.EqualTo(new[] { "hold", "deny" }));
    }

    [Test]
    public async Task The_library_refuses_first_and_then_no_check_is_asked()
    {
        var check = new ScriptedCheck(_ => OutboundCheckResult.Deny("never asked"));
        await using var h = await CreateAsync(o => o.MaxAutoSendsPerChatPerHour = 1, checks: check);
        Assert.That((await h.SendAsync(Vodafone, initiator: Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.AgentInitiatedNotAllowed));
        await h.MakeAutonomousAsync(Movistar);
        await h.Policy.PauseAsync(Id(Movistar), "owner");
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.Paused));
        Assert.That(check.Seen, Is.Empty);
    }

    [Test]
    public async Task A_check_that_throws_denies_policy_unavailable_audited_without_the_hosts_message()
    {
        var check = new ScriptedCheck(_ => throw new InvalidOperationException("secret connection string"));
        await using var h = await CreateAsync(checks: check);
        await h.MakeAutonomousAsync(Movistar);
        h.DrainAudit();

        var decision = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(decision.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(decision.Error?.InnerException?.Message, Is.EqualTo("secret connection string"), "the host keeps its exception");
        var audited = h.DrainAudit().Single();
        Assert.That((audited.Type, audited.Reason), Is.EqualTo((PolicyEventType.OutboundDenied, ReasonCode.PolicyUnavailable)));
        Assert.That(audited.Detail, Does.Contain("ScriptedCheck failed: InvalidOperationException").And.Not.Contain("secret"));
    }

    [Test]
    public async Task A_check_that_does_not_answer_in_time_denies_and_the_gate_stays_open_meanwhile()
    {
        var never = new TaskCompletionSource<OutboundCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = new ScriptedCheck(_ => throw new InvalidOperationException("unused")) { Pending = never.Task };
        await using var h = await CreateAsync(checks: check);
        await h.MakeAutonomousAsync(Movistar);

        var decision = h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Agent)).AsTask();
        await check.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var change = await h.Policy.ApproveChatAsync(Id(Vodafone), "owner").AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(change.Ok, Is.True, "the host's check runs outside the gate: other changes go on meanwhile");

        for (var i = 0; i < 600 && !decision.IsCompleted; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100)); // the policy's clock measures the check's time
            await Task.Delay(5);
        }

        var result = await decision.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(result.Error, Is.TypeOf<TimeoutException>());
        Assert.That(check.Cancelled, Is.True, "the check's token was cancelled at the timeout");
    }

    [Test]
    public async Task A_caller_that_gives_up_while_a_check_runs_gets_a_cancellation_and_nothing_is_written()
    {
        var never = new TaskCompletionSource<OutboundCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = new ScriptedCheck(_ => OutboundCheckResult.Allow) { Pending = never.Task };
        await using var h = await CreateAsync(checks: check);
        await h.MakeAutonomousAsync(Movistar);
        h.DrainAudit();
        using var cancel = new CancellationTokenSource();

        var decision = h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Agent), cancel.Token).AsTask();
        await check.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        Assert.That(async () => await decision.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(h.DrainAudit(), Is.Empty);
        Assert.That(h.Policy.GetPendingSends(), Is.Empty);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("two\nlines")]
    [TestCase("hidden\u202Eright-to-left")]
    [TestCase("zero\u200Bwidth")]
    public void A_reason_that_cannot_be_shown_safely_is_refused(string reason)
    {
        Assert.That(() => OutboundCheckResult.Deny(reason), Throws.ArgumentException);
        Assert.That(() => OutboundCheckResult.Hold(reason), Throws.ArgumentException);
    }

    [Test]
    public void A_reason_is_trimmed_and_bounded()
    {
        Assert.That(OutboundCheckResult.Deny("  ok  ").Reason, Is.EqualTo("ok"));
        Assert.That(OutboundCheckResult.Deny(new string('a', OutboundCheckResult.MaxReasonLength)).Reason, Has.Length.EqualTo(200));
        Assert.That(() => OutboundCheckResult.Deny(new string('a', 201)), Throws.ArgumentException);
        Assert.That(default(OutboundCheckResult), Is.EqualTo(OutboundCheckResult.Allow));
        Assert.That(OutboundCheckResult.Hold("review").ToString(), Is.EqualTo("hold: review"));
    }

    /// <summary>A check that answers by a function and remembers what it saw (or waits on <see cref="Pending"/>).</summary>
    internal sealed class ScriptedCheck(Func<OutboundCheckContext, OutboundCheckResult> answer, string name = "", List<string>? order = null) : IOutboundCheck
    {
        public List<OutboundCheckContext> Seen { get; } = [];

        public Task<OutboundCheckResult>? Pending { get; init; }

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public async ValueTask<OutboundCheckResult> CheckAsync(OutboundCheckContext context, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(context);
                order?.Add(name);
            }

            Asked.TrySetResult();
            if (Pending is { } pending)
            {
                cancellationToken.Register(() => Cancelled = true);
                return await pending; // ignores the token: the policy's own wait must bound it
            }

            return answer(context);
        }
    }
}
