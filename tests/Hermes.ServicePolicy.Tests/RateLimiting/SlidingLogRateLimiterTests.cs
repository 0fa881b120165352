using System;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.RateLimiting;

public class SlidingLogRateLimiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly ChatId Chat = ChatId.Parse("34600123456@s.whatsapp.net");

    [Test]
    public void The_daily_window_frees_a_slot_exactly_24_hours_after_it_was_taken()
    {
        var limiter = new SlidingLogRateLimiter();
        Assert.That(limiter.TryAcquireNewChat(T0, 2).IsAcquired, Is.True);
        Assert.That(limiter.TryAcquireNewChat(T0.AddHours(5), 2).IsAcquired, Is.True);
        var denied = limiter.TryAcquireNewChat(T0.AddHours(6), 2);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(18)));
        Assert.That(limiter.TryAcquireNewChat(T0.AddHours(24).AddTicks(-1), 2).IsAcquired, Is.False);
        Assert.That(limiter.TryAcquireNewChat(T0.AddHours(24), 2).IsAcquired, Is.True);
        Assert.That(limiter.CountNewChats(T0.AddHours(24)), Is.EqualTo(2));
    }

    [Test]
    public void A_released_slot_can_be_taken_again()
    {
        var limiter = new SlidingLogRateLimiter();
        limiter.TryAcquireNewChat(T0, 1);
        limiter.ReleaseNewChat(T0);
        Assert.That(limiter.TryAcquireNewChat(T0, 1).IsAcquired, Is.True);
    }

    [Test]
    public void Replayed_slots_count_in_time_order_whatever_order_they_come_in()
    {
        var limiter = new SlidingLogRateLimiter();
        limiter.RecordNewChat(T0.AddHours(3));
        limiter.RecordNewChat(T0.AddHours(1));
        limiter.RecordNewChat(T0.AddHours(2));
        var denied = limiter.TryAcquireNewChat(T0.AddHours(4), 3);
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(21)), "the oldest slot, taken at 1 h, frees first");
    }

    [Test]
    public void A_lowered_limit_waits_for_enough_slots_to_free()
    {
        var limiter = new SlidingLogRateLimiter();
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquireNewChat(T0.AddHours(i), 10);
        }

        var denied = limiter.TryAcquireNewChat(T0.AddHours(5), 2);
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(22)), "slots at 0, 1, 2 and 3 h must go before fewer than 2 remain");
    }

    [Test]
    public void The_hourly_window_and_the_consecutive_counter_are_per_chat()
    {
        var limiter = new SlidingLogRateLimiter();
        var other = ChatId.Parse("34600999999@s.whatsapp.net");
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0, 2, 10).IsAcquired, Is.True);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0.AddMinutes(30), 2, 10).IsAcquired, Is.True);
        var denied = limiter.TryAcquireAutonomousSend(Chat, T0.AddMinutes(40), 2, 10);
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(20)));
        Assert.That(limiter.TryAcquireAutonomousSend(other, T0.AddMinutes(40), 2, 10).IsAcquired, Is.True);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0.AddMinutes(60), 2, 10).IsAcquired, Is.True);
    }

    [Test]
    public void A_denied_send_is_not_counted()
    {
        var limiter = new SlidingLogRateLimiter();
        limiter.TryAcquireAutonomousSend(Chat, T0, 1, 10);
        for (var i = 1; i <= 5; i++)
        {
            limiter.TryAcquireAutonomousSend(Chat, T0.AddMinutes(i), 1, 10);
        }

        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0.AddHours(1), 1, 10).IsAcquired, Is.True);
    }

    [Test]
    public void A_reply_resets_only_the_consecutive_counter()
    {
        var limiter = new SlidingLogRateLimiter();
        limiter.TryAcquireAutonomousSend(Chat, T0, 3, 1);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0, 3, 1).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));
        limiter.RecordReply(Chat);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0, 3, 1).IsAcquired, Is.True);
        limiter.RecordReply(Chat);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0, 3, 1).IsAcquired, Is.True);
        limiter.RecordReply(Chat);
        Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0, 3, 1).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
        limiter.RecordReply(ChatId.Parse("1@lid")); // a chat that never sent: nothing to reset
    }

    [Test]
    public void A_reply_finds_every_run_however_it_began_and_none_once_they_have_ended()
    {
        // A reply skips the lookup while no chat is in a run; each way a run begins or ends must keep that count right.
        var other = ChatId.Parse("34600999888@s.whatsapp.net");
        var lid = ChatId.Parse("123456789012345@lid");
        var limiter = new SlidingLogRateLimiter();
        Assert.That(limiter.RecordReply(Chat), Is.False, "nobody has sent");

        limiter.TryAcquireAutonomousSend(Chat, T0, 10, 5);
        limiter.RecordAutonomousSend(other, T0);
        Assert.That(limiter.RecordReply(other), Is.True, "a replayed send");
        Assert.That(limiter.CountConsecutiveSends(Chat), Is.EqualTo(1), "another chat's run is its own");

        limiter.ReleaseAutonomousSend(Chat, T0);
        Assert.That(limiter.CountConsecutiveSends(Chat), Is.Zero);
        Assert.That(limiter.RecordReply(Chat), Is.False, "a released send ended the run");

        limiter.TryAcquireAutonomousSend(lid, T0, 10, 5);
        limiter.MergeChats(lid, Chat);
        Assert.That(limiter.CountConsecutiveSends(Chat), Is.EqualTo(1), "a linked identity's run moves with its counters");
        Assert.That(limiter.RecordReply(Chat), Is.True);
        Assert.That(limiter.RecordReply(Chat), Is.False);

        var restored = new SlidingLogRateLimiter();
        restored.RestoreState(new RateLimiterState([new ChatSendWindow(Chat, [T0], 2)]));
        Assert.That(restored.CountConsecutiveSends(Chat), Is.EqualTo(2), "a restored run");
        Assert.That(restored.RecordReply(Chat), Is.True);
        Assert.That(restored.TryAcquireAutonomousSend(Chat, T0, 10, 1).IsAcquired, Is.True, "the reply reset it");
        Assert.That(restored.RecordReply(Chat), Is.True, "a run after a reset is found again");
    }

    [Test]
    public void The_window_grows_past_its_first_capacity_and_keeps_order()
    {
        var limiter = new SlidingLogRateLimiter();
        for (var i = 0; i < 100; i++)
        {
            Assert.That(limiter.TryAcquireAutonomousSend(Chat, T0.AddSeconds(i), 100, 1000).IsAcquired, Is.True);
        }

        var denied = limiter.TryAcquireAutonomousSend(Chat, T0.AddSeconds(100), 100, 1000);
        Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3500)));
    }
}
