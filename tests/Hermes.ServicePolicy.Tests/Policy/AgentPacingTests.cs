using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Text;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// The agent's pacing (docs/behaviour.md#agent-pacing; the walk-through is tests/scenarios/agent-pacing.jsonl): spacing,
/// the daily cap, duplicates and jitter judge only the agent's own sends, are counted atomically, and survive a restart.
/// </summary>
public class AgentPacingTests
{
    [Test]
    public async Task Spacing_refuses_the_agent_until_the_gap_has_passed_and_never_the_owner()
    {
        await using var h = await CreateAsync(o => o.MinSecondsBetweenAgentSends = 30);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted, Is.True);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        h.DrainAudit();

        var tooSoon = await h.SendAsync(Movistar, initiator: Initiator.Agent);
        Assert.That(tooSoon.Reason, Is.EqualTo(ReasonCode.TooSoon));
        Assert.That(tooSoon.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        var audited = h.DrainAudit().Single();
        Assert.That((audited.Type, audited.Reason, audited.RetryAfter), Is.EqualTo((PolicyEventType.OutboundDenied, ReasonCode.TooSoon, (TimeSpan?)TimeSpan.FromSeconds(20))));

        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Operator)).IsPermitted, Is.True, "the owner's sends are not paced");
        Assert.That((await h.SendAsync(Vodafone, initiator: Initiator.Agent)).Reason, Is.Not.EqualTo(ReasonCode.TooSoon), "the gap is per chat");
        h.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted, Is.True);
    }

    [Test]
    public async Task The_daily_cap_counts_the_agents_permits_across_chats_without_the_failed_ones()
    {
        await using var h = await CreateAsync(o => { o.MaxAgentSendsPerDay = 3; o.MaxConsecutiveAgentSendsWithoutReply = 100; });
        await h.MakeAutonomousAsync(Movistar);
        await h.MakeAutonomousAsync(Vodafone);
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted, Is.True);
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.That((await h.SendAsync(Vodafone, initiator: Initiator.Agent, transport: SendOutcome.Failed)).IsPermitted, Is.True);
        var afterFailure = await h.SendAsync(Vodafone, initiator: Initiator.Agent);
        Assert.That(afterFailure.IsPermitted, Is.True, "the failed send gave its place back: " + afterFailure.Explain());
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent, transport: SendOutcome.Unknown)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Vodafone, initiator: Initiator.Operator)).IsPermitted, Is.True, "the owner's sends do not count");

        var capped = await h.SendAsync(Vodafone, initiator: Initiator.Agent);
        Assert.That(capped.Reason, Is.EqualTo(ReasonCode.DailySendLimit));
        Assert.That(capped.RetryAfter, Is.EqualTo(TimeSpan.FromHours(23)), "when the first permit of the day leaves the window");
        h.Time.Advance(TimeSpan.FromHours(23));
        var nextDay = await h.SendAsync(Vodafone, initiator: Initiator.Agent);
        Assert.That(nextDay.IsPermitted, Is.True, nextDay.Explain());
    }

    [Test]
    public async Task The_same_text_again_is_a_duplicate_after_normalisation_with_case_kept()
    {
        await using var h = await CreateAsync(o => { o.DuplicateSendMinutes = 10; o.MaxConsecutiveAgentSendsWithoutReply = 100; });
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, "¿Cuándo llega el técnico?", Initiator.Agent)).IsPermitted, Is.True);
        h.Time.Advance(TimeSpan.FromMinutes(4));

        var again = await h.SendAsync(Movistar, "  ¿Cua\u0301ndo   llega el\ntécnico?  ", Initiator.Agent);
        Assert.That(again.Reason, Is.EqualTo(ReasonCode.DuplicateSend), "decomposed accent, extra and other whitespace: the same text");
        Assert.That(again.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(6)));
        Assert.That((await h.SendAsync(Movistar, "¿CUÁNDO llega el técnico?", Initiator.Agent)).IsPermitted, Is.True, "case is kept");
        Assert.That((await h.SendAsync(Vodafone, "¿Cuándo llega el técnico?", Initiator.Operator)).IsPermitted, Is.False, "an unknown chat is refused for its own reason");
        Assert.That((await h.SendAsync(Movistar, "¿Cuándo llega el técnico?", Initiator.Operator)).IsPermitted, Is.True, "the owner may repeat themselves");
        h.Time.Advance(TimeSpan.FromMinutes(6));
        var later = await h.SendAsync(Movistar, "¿Cuándo llega el técnico?", Initiator.Agent);
        Assert.That(later.IsPermitted, Is.True, "the window has passed: " + later.Explain());
    }

    [Test]
    public async Task A_failed_send_does_not_block_its_text_and_an_alias_shares_the_window()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, "hola", Initiator.Agent, transport: SendOutcome.Failed)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Movistar, "hola", Initiator.Agent)).IsPermitted, Is.True, "the failed one did not leave");
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        Assert.That((await h.SendAsync(MovistarLid, "hola", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.DuplicateSend), "the chat under its other id");
    }

    [Test]
    public async Task Drafts_and_approvals_are_not_refused_but_an_approved_agent_draft_counts()
    {
        await using var h = await CreateAsync(o => o.MaxAgentSendsPerDay = 1);
        await h.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.DraftFirst);
        var draft = await h.SendAsync(Movistar, "hola", Initiator.Agent);
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That((await h.ApproveAsync(draft.Draft)).IsPermitted, Is.True);
        var second = await h.SendAsync(Movistar, "hola", Initiator.Agent);
        Assert.That(second.Outcome, Is.EqualTo(OutboundOutcome.Draft), "a draft leaves nothing: not paced");
        Assert.That((await h.ApproveAsync(second.Draft)).IsPermitted, Is.True, "the owner approves past the cap and the duplicate");
        await h.Policy.SetModeAsync(Id(Movistar), ServiceChatMode.Autonomous, "owner");
        Assert.That((await h.SendAsync(Movistar, initiator: Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.DailySendLimit), "the approved drafts were the agent's sends");
    }

    [Test]
    public async Task Jitter_puts_not_before_ahead_from_the_seeded_source_and_the_deadline_counts_from_it()
    {
        await using var h = await CreateAsync(o => { o.SendJitterSeconds = 120; o.SendConfirmationMinutes = 5; o.MaxConsecutiveAgentSendsWithoutReply = 100; }, random: new Random(42));
        await h.MakeAutonomousAsync(Movistar);
        var expected = new Random(42);
        var seen = Enumerable.Range(0, 5).Select(_ => TimeSpan.FromSeconds(expected.Next(0, 121))).ToArray();
        for (var i = 0; i < 5; i++)
        {
            var permit = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"mensaje {i}", Initiator.Agent));
            Assert.That(permit.NotBefore, Is.EqualTo(h.Time.GetUtcNow() + seen[i]), permit.Explain());
            var open = h.Policy.GetPendingSends().Single(p => p.Send == permit.Send);
            Assert.That(open.ConfirmBy, Is.EqualTo(permit.NotBefore!.Value + TimeSpan.FromMinutes(5)));
            Assert.That(permit.Explain(), Does.Contain("or later"));
        }

        var owners = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "del dueño", Initiator.Operator));
        Assert.That(owners.NotBefore, Is.Null, "the owner's send leaves now");
    }

    [Test]
    public async Task The_counts_survive_a_snapshot_and_a_restart()
    {
        await using var h = await CreateAsync(o => { o.MaxAgentSendsPerDay = 2; o.MinSecondsBetweenAgentSends = 60; });
        await h.MakeAutonomousAsync(Movistar);
        await h.MakeAutonomousAsync(Vodafone);
        Assert.That((await h.SendAsync(Movistar, "uno", Initiator.Agent)).IsPermitted, Is.True);
        await h.Policy.FlushAsync();
        await h.Policy.SnapshotAsync();
        Assert.That((await h.SendAsync(Vodafone, "dos", Initiator.Agent)).IsPermitted, Is.True);
        await h.RestartAsync();

        Assert.That((await h.SendAsync(Vodafone, "tres", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.TooSoon), "the gap, read back");
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.That((await h.SendAsync(Vodafone, "tres", Initiator.Agent)).Reason, Is.EqualTo(ReasonCode.DailySendLimit), "the day, read back");
    }

    [Test]
    public async Task Concurrent_agent_sends_never_overshoot_the_daily_cap()
    {
        const int chats = 40;
        await using var h = await CreateAsync(o => { o.MaxAgentSendsPerDay = 25; o.MaxConsecutiveAgentSendsWithoutReply = 100; });
        var ids = Enumerable.Range(0, chats).Select(i => $"3461{i:D7}@s.whatsapp.net").ToArray();
        foreach (var id in ids)
        {
            await h.MakeAutonomousAsync(id);
        }

        var decisions = await Task.WhenAll(Enumerable.Range(0, chats * 2).Select(i => Task.Run(async () =>
            await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(ids[i % chats]), $"consulta {i}", Initiator.Agent)))));
        Assert.That(decisions.Count(d => d.IsPermitted), Is.EqualTo(25));
        Assert.That(decisions.Where(d => !d.IsPermitted).Select(d => d.Reason), Is.All.EqualTo(ReasonCode.DailySendLimit));
    }

    [Test]
    public async Task Turning_every_pacing_key_off_keeps_nothing()
    {
        await using var h = await CreateAsync(o => o.DuplicateSendMinutes = 0);
        await h.MakeAutonomousAsync(Movistar);
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await h.SendAsync(Movistar, "hola", Initiator.Agent)).IsPermitted, Is.True);
        }

        Assert.That(h.Policy.Probes.AgentSendMemory, Is.Zero);
    }

    [TestCase("hola", "hola", true)]
    [TestCase(" hola\t mundo ", "hola mundo", true)]
    [TestCase("Hola", "hola", false)]
    [TestCase("e\u0301", "\u00E9", true)]
    [TestCase("ab", "a b", false)]
    public void Fingerprints_compare_texts_as_the_duplicate_guard_does(string a, string b, bool same)
        => Assert.That(SentTextFingerprint.Of(a) == SentTextFingerprint.Of(b), Is.EqualTo(same));

    [Test]
    public void The_allocation_free_shortcut_only_takes_text_that_nfc_leaves_as_it_is()
    {
        // Every character the shortcut takes, alone and after each combining mark's base letter, is NFC as it stands.
        var taken = Enumerable.Range(0, 0x300).Concat(Enumerable.Range(0x2010, 0x18)).Concat([0x200D, 0x20AC, 0xFE0F]).Select(c => ((char)c).ToString())
            .Concat(Enumerable.Range(0x1F300, 0x800).Select(char.ConvertFromUtf32)).ToArray();
        foreach (var text in taken)
        {
            Assert.That(SentTextFingerprint.IsStableInNfc(text), Is.True, text);
            Assert.That(UnicodeNormalization.Normalize("a" + text, System.Text.NormalizationForm.FormC), Is.EqualTo("a" + text), $"U+{char.ConvertToUtf32(text, 0):X4}");
        }

        Assert.That(SentTextFingerprint.IsStableInNfc("e\u0301"), Is.False, "a combining mark takes the full path");
        Assert.That(SentTextFingerprint.IsStableInNfc("\u2000"), Is.False, "a singleton NFC replaces is outside the shortcut");
    }
}
