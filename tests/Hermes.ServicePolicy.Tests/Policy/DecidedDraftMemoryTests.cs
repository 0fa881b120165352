using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// Decided drafts leave memory (issue 13): only pending drafts and approved ones whose send is unreported are held;
/// a decided draft's id is remembered, packed, for 30 days so its approval still answers correctly.
/// </summary>
public class DecidedDraftMemoryTests
{
    [Test]
    public async Task Decided_drafts_leave_memory_and_their_ids_answer_for_thirty_days()
    {
        await using var h = await CreateAsync(o => o.RequireExplicitApprovalForFirstContact = true);
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftOnly);
        var rejected = default(DraftId);
        for (var i = 0; i < 200; i++)
        {
            var draft = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"borrador {i}", Initiator.Operator));
            Assert.That((await h.Policy.RejectDraftAsync(draft.Draft, "owner")).Ok, Is.True);
            rejected = draft.Draft;
        }

        var approved = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "enviado", Initiator.Operator));
        var permit = await h.Policy.ApproveDraftAsync(approved.Draft, "owner");
        Assert.That(h.Policy.Probes.DraftMemory, Is.EqualTo((1, 200)), "the approved draft stays until its send is reported; the rejected ones are ids only");

        await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Delivered());
        Assert.That(h.Policy.Probes.DraftMemory, Is.EqualTo((0, 201)));
        Assert.That((await h.Policy.ApproveDraftAsync(rejected, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
        Assert.That((await h.Policy.ApproveDraftAsync(approved.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));

        h.Time.Advance(TimeSpan.FromDays(31));
        await h.Policy.SweepAsync();
        Assert.That(h.Policy.Probes.DraftMemory, Is.EqualTo((0, 0)), "after 30 days nothing of them is in memory (history keeps them)");
        Assert.That((await h.Policy.ApproveDraftAsync(rejected, "owner")).Reason, Is.EqualTo(ReasonCode.UnknownDraft));
    }

    [Test]
    public async Task A_failed_send_reopens_its_draft_with_the_text_it_was_approved_with()
    {
        await using var h = await CreateAsync(o => o.RequireExplicitApprovalForFirstContact = true);
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftOnly);
        var draft = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator));
        var permit = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        await h.Policy.ConfirmSendAsync(permit.Send, SendReport.Failed("503"));
        var again = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        Assert.That((again.IsPermitted, again.Text), Is.EqualTo((true, "hola")));
    }
}
