using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
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

        Assert.That(h.Policy.BlockMemory, Is.EqualTo((500, 500)));
        h.Time.Advance(TimeSpan.FromHours(2));
        await h.Policy.SweepAsync();
        Assert.That(h.Policy.BlockMemory, Is.EqualTo((0, 500)), "pairs whose hour is over are forgotten; the chats stay listed for 7 days");
        Assert.That(h.Status("34699000007@s.whatsapp.net"), Is.EqualTo(ServiceChatStatus.Blocked));

        await h.InboundAsync("34699000007@s.whatsapp.net", "again");
        Assert.That(h.DrainAudit().Count(e => e.Type == PolicyEventType.InboundBlocked && e.Chat.ToString() == "34699000007@s.whatsapp.net"), Is.EqualTo(2), "the next block of a forgotten pair is audited, as it would be after its hour");

        h.Time.Advance(TimeSpan.FromDays(7));
        await h.Policy.SweepAsync();
        Assert.That(h.Policy.BlockMemory, Is.EqualTo((0, 0)));
        Assert.That(h.Status("34699000007@s.whatsapp.net"), Is.EqualTo(ServiceChatStatus.None));
    }
}
