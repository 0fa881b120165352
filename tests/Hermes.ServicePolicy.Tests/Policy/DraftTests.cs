using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

public class DraftTests
{
    [Test]
    public async Task Approval_sends_exactly_the_drafted_text_once()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar, "Hola, quiero revisar mi última factura.", session: "s-42");
        var sent = await h.ApproveAsync(draft.Draft);
        Assert.That(sent.IsPermitted, Is.True);
        Assert.That(sent.Text, Is.EqualTo("Hola, quiero revisar mi última factura."));
        Assert.That(sent.SessionId, Is.EqualTo("s-42"));
        Assert.That(sent.IsFirstContact, Is.True);

        var again = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        Assert.That(again.IsPermitted, Is.False);
        Assert.That(again.Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "first_contact_drafted", "first_contact_approved", "first_contact_sent" }));
    }

    [Test]
    public async Task Draft_ids_are_unguessable_and_unknown_ids_are_refused_without_audit()
    {
        await using var h = await CreateAsync();
        var ids = Enumerable.Range(0, 50).Select(_ => DraftId.New().Value).ToHashSet();
        Assert.That(ids, Has.Count.EqualTo(50));
        Assert.That(ids.All(id => id!.Length == 24), Is.True);

        var result = await h.Policy.ApproveDraftAsync(new DraftId("d_guess"), "owner");
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.UnknownDraft));
        Assert.That((await h.Policy.RejectDraftAsync(new DraftId("d_guess"), "owner")).Reason, Is.EqualTo(ReasonCode.UnknownDraft));
        Assert.That((await h.Policy.ApproveDraftAsync(default, "owner")).Reason, Is.EqualTo(ReasonCode.UnknownDraft));
        Assert.That(h.AuditTypes(), Is.Empty);
    }

    [Test]
    public async Task Rejection_decides_the_draft()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar);
        Assert.That((await h.Policy.RejectDraftAsync(draft.Draft, "owner")).Ok, Is.True);
        Assert.That((await h.Policy.RejectDraftAsync(draft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "first_contact_drafted", "first_contact_rejected" }));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.None));
    }

    [Test]
    public async Task Follow_up_drafts_have_their_own_lifecycle_events()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar);
        var a = await h.SendAsync(Movistar, "a");
        var b = await h.SendAsync(Movistar, "b");
        await h.Policy.ApproveDraftAsync(a.Draft, "owner");
        await h.Policy.RejectDraftAsync(b.Draft, "owner");
        var c = await h.SendAsync(Movistar, "c");
        h.Time.Advance(TimeSpan.FromMinutes(1441));
        Assert.That((await h.Policy.ApproveDraftAsync(c.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftExpired));
        Assert.That(h.AuditTypes().Skip(3), Is.EqualTo(new[] { "draft_created", "draft_created", "draft_approved", "draft_rejected", "draft_created", "draft_expired" }));
    }

    [Test]
    public async Task An_expired_draft_is_audited_once_whether_touched_or_swept()
    {
        await using var h = await CreateAsync(o => o.PendingDraftTtlMinutes = 10);
        var touched = await h.SendAsync(Movistar);
        var swept = await h.SendAsync(Vodafone);
        h.DrainAudit();
        h.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.That((await h.Policy.ApproveDraftAsync(touched.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftExpired));
        Assert.That((await h.Policy.ApproveDraftAsync(touched.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftExpired));
        Assert.That((await h.Policy.RejectDraftAsync(touched.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftExpired));
        Assert.That((await h.Policy.SweepAsync()).DraftsExpired, Is.EqualTo(1));
        Assert.That((await h.Policy.SweepAsync()).DraftsExpired, Is.EqualTo(0));
        Assert.That((await h.Policy.ApproveDraftAsync(swept.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftExpired));

        var events = h.DrainAudit();
        Assert.That(events.Select(e => e.Type.ToCode()), Is.EqualTo(new[] { "first_contact_expired", "first_contact_expired" }));
        Assert.That(events.Select(e => e.DraftId), Is.EquivalentTo(new[] { touched.Draft.Value, swept.Draft.Value }));
        Assert.That(events.All(e => e.Actor == "system"), Is.True);
    }

    [Test]
    public async Task A_draft_is_pending_until_just_before_its_ttl()
    {
        await using var h = await CreateAsync(o => o.PendingDraftTtlMinutes = 10);
        var draft = await h.SendAsync(Movistar);
        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.Pending));
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).IsPermitted, Is.True);
    }

    [Test]
    public async Task An_approval_denied_by_a_limit_leaves_the_draft_pending()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxNewServiceChatsPerDay = 1;
            o.PendingDraftTtlMinutes = 10080;
        });
        await h.StartConversationAsync(Movistar);
        var second = await h.SendAsync(Vodafone);
        h.Time.Advance(TimeSpan.FromHours(1));

        var denied = await h.Policy.ApproveDraftAsync(second.Draft, "owner");
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(23)));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.Pending));

        h.Time.Advance(TimeSpan.FromHours(23));
        Assert.That((await h.Policy.ApproveDraftAsync(second.Draft, "owner")).IsPermitted, Is.True);
    }

    [Test]
    public async Task An_approval_while_the_feature_is_off_changes_nothing()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar);
        await h.Policy.ApplyConfigurationAsync(new ServicePolicy.Configuration.ServiceConversationOptions { Enabled = false });
        h.DrainAudit();
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.FeatureDisabled));
        Assert.That(h.AuditTypes(), Is.Empty, "feature_disabled is never audited");
        await h.Policy.ApplyConfigurationAsync(new ServicePolicy.Configuration.ServiceConversationOptions { Enabled = true });
        Assert.That((await h.Policy.ApproveDraftAsync(draft.Draft, "owner")).IsPermitted, Is.True);
    }

    [Test]
    public async Task Pending_drafts_are_listed_oldest_first_with_their_text()
    {
        await using var h = await CreateAsync();
        await h.SendAsync(Movistar, "one", session: "s1");
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.SendAsync(Vodafone, "two");
        var pending = h.Policy.GetPendingDrafts();
        Assert.That(pending.Select(d => d.Text), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(pending[0].SessionId, Is.EqualTo("s1"));
        Assert.That(pending[0].ExpiresAt, Is.EqualTo(Start + TimeSpan.FromMinutes(1440)));
    }
}
