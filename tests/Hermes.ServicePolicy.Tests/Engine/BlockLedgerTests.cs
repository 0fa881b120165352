using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Engine;

/// <summary>
/// The events one inbound block writes (Engine/BlockLedger.cs, <c>Block</c>): the first of a (chat, reason) pair, then one
/// an hour carrying the count since, at most <see cref="BlockLedger.MaxEventsPerHour"/> an hour with the rest rolled up.
/// </summary>
public class BlockLedgerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static ChatId Stranger(int i) => ChatId.FromPhoneNumber(4_915_100_000_000UL + (ulong)i);

    /// <summary>Blocks as the inbound gate does: the events are "committed" (applied) before the next block.</summary>
    private static (List<PolicyEvent> Events, Dictionary<ReasonCode, int>? RolledUp) Block(BlockLedger ledger, ChatId chat, DateTimeOffset now)
    {
        var events = new List<PolicyEvent>();
        var rolledUp = ledger.Block(chat, ReasonCode.UnknownChat, now, events, "system");
        foreach (var e in events)
        {
            ledger.Apply(e, replaying: false);
        }

        if (rolledUp is not null)
        {
            ledger.ClearRollups(rolledUp);
        }

        return (events, rolledUp);
    }

    [Test]
    public void A_pair_writes_its_first_block_then_one_event_an_hour_with_the_count_since()
    {
        var ledger = new BlockLedger();
        var chat = Stranger(1);

        var (first, rolledUp) = Block(ledger, chat, Noon);
        Assert.That(rolledUp, Is.Null);
        Assert.That(first, Has.Count.EqualTo(1));
        Assert.That(first[0].Type, Is.EqualTo(PolicyEventType.InboundBlocked));
        Assert.That(first[0].Chat, Is.EqualTo(chat));
        Assert.That(first[0].Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That(first[0].Count, Is.EqualTo(1));

        Assert.That(Block(ledger, chat, Noon.AddMinutes(10)).Events, Is.Empty, "suppressed within the hour");
        Assert.That(Block(ledger, chat, Noon.AddMinutes(59)).Events, Is.Empty, "suppressed within the hour");

        var (later, _) = Block(ledger, chat, Noon.AddHours(1));
        Assert.That(later, Has.Count.EqualTo(1));
        Assert.That(later[0].Count, Is.EqualTo(3), "the two suppressed blocks and this one");
        Assert.That(ledger.IsRecentlyBlocked(chat, default, Noon.AddHours(1)), Is.True);
    }

    [Test]
    public void Blocks_over_the_hourly_cap_are_counted_and_rolled_up_with_the_next_hours_first_block()
    {
        var ledger = new BlockLedger();
        for (var i = 0; i < BlockLedger.MaxEventsPerHour; i++)
        {
            Assert.That(Block(ledger, Stranger(i), Noon.AddSeconds(i)).Events, Has.Count.EqualTo(1));
        }

        var capped = Stranger(BlockLedger.MaxEventsPerHour);
        var (over, _) = Block(ledger, capped, Noon.AddMinutes(30));
        Assert.That(over, Is.Empty, "over the cap: no event");
        Assert.That(ledger.HasCapped, Is.True);
        Assert.That(ledger.IsRecentlyBlocked(capped, default, Noon.AddMinutes(30)), Is.True, "still marked for listings");
        Assert.That(Block(ledger, Stranger(BlockLedger.MaxEventsPerHour + 1), Noon.AddMinutes(31)).Events, Is.Empty);

        var (next, rolledUp) = Block(ledger, capped, Noon.AddHours(1));
        Assert.That(rolledUp, Is.Not.Null);
        Assert.That(next, Has.Count.EqualTo(2), "the roll-up, then this block's own event");
        Assert.That(next[0].Chat.IsEmpty, Is.True);
        Assert.That(next[0].Count, Is.EqualTo(2));
        Assert.That(next[0].Detail, Does.StartWith("roll-up:"));
        Assert.That(next[1].Chat, Is.EqualTo(capped));
        Assert.That(ledger.HasCapped, Is.False, "the committed roll-up clears what it carried");
    }

    [Test]
    public void A_roll_up_that_is_not_cleared_is_taken_again()
    {
        var ledger = new BlockLedger();
        for (var i = 0; i <= BlockLedger.MaxEventsPerHour; i++)
        {
            Block(ledger, Stranger(i), Noon.AddSeconds(i));
        }

        // A commit that fails: the events are not applied and the roll-up is not cleared.
        var events = new List<PolicyEvent>();
        Assert.That(ledger.Block(Stranger(1), ReasonCode.UnknownChat, Noon.AddHours(1), events, "system"), Is.Not.Null);
        Assert.That(ledger.HasCapped, Is.True);

        var (retry, rolledUp) = Block(ledger, Stranger(2), Noon.AddHours(1).AddMinutes(1));
        Assert.That(rolledUp, Is.Not.Null);
        Assert.That(retry[0].Chat.IsEmpty && retry[0].Count == 1, Is.True);
        Assert.That(ledger.HasCapped, Is.False);
    }
}
