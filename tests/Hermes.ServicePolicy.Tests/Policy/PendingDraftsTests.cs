using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// The pending-draft caps (SPEC "Safeguards, second set"; the walk-through is tests/scenarios/pending-drafts.jsonl):
/// what the scenario format cannot show.
/// </summary>
public class PendingDraftsTests
{
    [Test]
    public async Task A_chat_counts_its_drafts_under_both_of_its_ids()
    {
        await using var h = await CreateAsync(o =>
        {
            o.ApprovedChats = [Movistar];
            o.MaxPendingDraftsPerChat = 1;
        });
        Assert.That((await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner")).Ok, Is.True);
        Assert.That((await h.SendAsync(Movistar, "uno", Initiator.Agent)).Outcome, Is.EqualTo(OutboundOutcome.Draft));

        var second = await h.SendAsync(MovistarLid, "dos", Initiator.Agent);

        Assert.That((second.Reason, second.RetryAfter), Is.EqualTo((ReasonCode.TooManyPendingDrafts, (System.TimeSpan?)null)));
    }

    [Test]
    public async Task The_caps_hold_after_a_restart_because_they_count_the_drafts_themselves()
    {
        await using var h = await CreateAsync(o => o.MaxPendingDrafts = 1);
        Assert.That((await h.SendAsync(Movistar, "uno")).Outcome, Is.EqualTo(OutboundOutcome.Draft));
        await h.RestartAsync();
        Assert.That((await h.SendAsync(Vodafone, "dos")).Reason, Is.EqualTo(ReasonCode.TooManyPendingDrafts));
    }

    [TestCase(nameof(ServiceConversationOptions.MaxPendingDrafts), 0, "max_pending_drafts")]
    [TestCase(nameof(ServiceConversationOptions.MaxPendingDrafts), 1001, "max_pending_drafts")]
    [TestCase(nameof(ServiceConversationOptions.MaxPendingDraftsPerChat), 0, "max_pending_drafts_per_chat")]
    [TestCase(nameof(ServiceConversationOptions.MaxPendingDraftsPerChat), 101, "max_pending_drafts_per_chat")]
    public void The_caps_have_ranges(string property, int value, string key)
    {
        var options = new ServiceConversationOptions();
        typeof(ServiceConversationOptions).GetProperty(property)!.SetValue(options, value);
        Assert.That(ServiceConversationOptionsValidator.Validate(options).Errors.Select(e => e.Key), Is.EqualTo(new[] { key }));
    }
}
