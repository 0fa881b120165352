using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>What the policy remembers of strangers is bounded: the sweep forgets blocks no rule needs any more.</summary>
public class MemoryBoundsTests
{
    [Test]
    public async Task The_sweep_forgets_idle_block_trackers_and_blocks_older_than_the_listing_window()
    {
        await using var h = await CreateAsync();
        for (var i = 0; i < 500; i++)
        {
            await h.InboundAsync(ChatId.FromPhoneNumber(34699000000UL + (ulong)i).ToString(), "spam");
        }

        Assert.That(h.Policy.Probes.BlockMemory, Is.EqualTo((500, 500)));
        h.Time.Advance(TimeSpan.FromHours(2));
        await h.Policy.SweepAsync();
        Assert.That(h.Policy.Probes.BlockMemory, Is.EqualTo((0, 500)), "pairs whose hour is over are forgotten; the chats stay listed for 7 days");
        Assert.That(h.Status("34699000007@s.whatsapp.net"), Is.EqualTo(ServiceChatStatus.Blocked));

        await h.InboundAsync("34699000007@s.whatsapp.net", "again");
        Assert.That(h.DrainAudit().Count(e => e.Type == PolicyEventType.InboundBlocked && e.Chat.ToString() == "34699000007@s.whatsapp.net"), Is.EqualTo(2), "the next block of a forgotten pair is audited, as it would be after its hour");

        h.Time.Advance(TimeSpan.FromDays(7));
        await h.Policy.SweepAsync();
        Assert.That(h.Policy.Probes.BlockMemory, Is.EqualTo((0, 0)));
        Assert.That(h.Status("34699000007@s.whatsapp.net"), Is.EqualTo(ServiceChatStatus.None));
    }

    [Test]
    public async Task Decided_drafts_leave_their_text_to_the_log_and_still_answer_as_decided()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxNewServiceChatsPerDay = 1000;
            o.MaxPendingDrafts = 1000; // 100 drafts wait at once here
        });
        var text = new string('x', 1000);
        var drafts = new List<OutboundDecision>();
        for (var i = 0; i < 100; i++)
        {
            drafts.Add(await h.SendAsync(ChatId.FromPhoneNumber(34600000000UL + (ulong)i).ToString(), text));
        }

        Assert.That(h.Policy.Probes.RetainedDraftText, Is.EqualTo(100_000));
        foreach (var draft in drafts.Take(99))
        {
            await h.Policy.RejectDraftAsync(draft.Draft, "owner");
        }

        Assert.That(h.Policy.Probes.RetainedDraftText, Is.EqualTo(1000), "only the pending draft keeps its text");
        Assert.That((await h.Policy.ApproveDraftAsync(drafts[0].Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DraftAlreadyDecided));
        var history = await h.Policy.ReadHistoryAsync(new HistoryQuery { Types = new HashSet<PolicyEventType> { PolicyEventType.FirstContactDrafted } }).ToListAsync();
        Assert.That(history.All(e => e.Text == text), Is.True, "the log keeps every text for history");

        await h.ApproveAsync(drafts[99].Draft, transport: SendOutcome.Failed);
        Assert.That(h.Policy.GetPendingDrafts().Single().Text, Is.EqualTo(text), "a failed send reopens the draft with its text");
    }
}
