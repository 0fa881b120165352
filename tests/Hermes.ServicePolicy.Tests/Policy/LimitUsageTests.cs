using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;
using NSubstitute;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// <see cref="ServiceConversationPolicy.GetLimitUsage"/>, what the owner's console shows of a chat's limits: the same
/// counts the next decision reads, with when each frees up, and nothing claimed the policy does not count itself.
/// </summary>
public class LimitUsageTests
{
    [Test]
    public async Task A_quiet_chat_has_used_nothing_and_shows_the_limits_in_force()
    {
        await using var h = await CreateAsync(o => { o.MaxAutoSendsPerChatPerHour = 4; o.MaxConsecutiveAgentSendsWithoutReply = 2; });
        await h.MakeAutonomousAsync(Movistar);

        var usage = h.Policy.GetLimitUsage(Id(Movistar));

        Assert.That(usage.Chat, Is.EqualTo(Id(Movistar)));
        Assert.That(usage.At, Is.EqualTo(Start));
        Assert.That((usage.SentThisHour, usage.HourlyLimit, usage.HourlyFreesAt), Is.EqualTo(((int?)0, 4, (DateTimeOffset?)null)));
        Assert.That((usage.InARow, usage.InARowLimit), Is.EqualTo((0, 2)));
        Assert.That((usage.AgentSendsToday, usage.DailyLimit, usage.DailyFreesAt), Is.EqualTo(((int?)null, 0, (DateTimeOffset?)null)), "no daily cap configured: nothing claimed");
    }

    [Test]
    public async Task The_agents_sends_count_this_hour_and_in_a_row_and_free_up_as_the_decisions_say()
    {
        await using var h = await CreateAsync(o => { o.MaxAutoSendsPerChatPerHour = 3; o.MaxConsecutiveAgentSendsWithoutReply = 5; o.DuplicateSendMinutes = 0; });
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, "uno", Initiator.Agent)).IsPermitted, Is.True);
        h.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.That((await h.SendAsync(Movistar, "dos", Initiator.Agent)).IsPermitted, Is.True);

        var usage = h.Policy.GetLimitUsage(Id(Movistar));
        Assert.That((usage.SentThisHour, usage.HourlyFreesAt), Is.EqualTo(((int?)2, (DateTimeOffset?)(Start + TimeSpan.FromHours(1)))), "the first send leaves the hour an hour after it");
        Assert.That(usage.InARow, Is.EqualTo(2));

        await h.InboundAsync(Movistar, "¿En qué puedo ayudarle?");
        h.Time.Advance(TimeSpan.FromMinutes(41));
        usage = h.Policy.GetLimitUsage(Id(Movistar));
        Assert.That(usage.InARow, Is.EqualTo(0), "the provider's reply ends the run");
        Assert.That((usage.SentThisHour, usage.HourlyFreesAt), Is.EqualTo(((int?)1, (DateTimeOffset?)(Start + TimeSpan.FromMinutes(80)))), "the first send has left the hour");
        Assert.That(h.Policy.GetLimitUsage(Id(Vodafone)).SentThisHour, Is.EqualTo(0), "counted per chat");
    }

    [Test]
    public async Task The_daily_cap_counts_the_agents_permits_across_chats_as_the_rule_does()
    {
        await using var h = await CreateAsync(o => { o.MaxAgentSendsPerDay = 5; o.MaxConsecutiveAgentSendsWithoutReply = 100; o.DuplicateSendMinutes = 0; });
        await h.MakeAutonomousAsync(Movistar);
        await h.MakeAutonomousAsync(Vodafone);
        Assert.That((await h.SendAsync(Movistar, "uno", Initiator.Agent, transport: SendOutcome.Failed)).IsPermitted, Is.True);
        h.Time.Advance(TimeSpan.FromHours(2));
        Assert.That((await h.SendAsync(Movistar, "dos", Initiator.Agent)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Vodafone, "tres", Initiator.Agent)).IsPermitted, Is.True);
        Assert.That((await h.SendAsync(Vodafone, "cuatro", Initiator.Operator)).IsPermitted, Is.True);

        var usage = h.Policy.GetLimitUsage(Id(Movistar));
        Assert.That((usage.AgentSendsToday, usage.DailyLimit), Is.EqualTo(((int?)2, 5)), "the failed send and the owner's are not counted");
        Assert.That(usage.DailyFreesAt, Is.EqualTo(Start + TimeSpan.FromHours(26)), "when the oldest counted permit leaves the 24 hours");
    }

    [Test]
    public async Task An_alias_reads_the_chats_own_counts()
    {
        await using var h = await CreateAsync(o => o.DuplicateSendMinutes = 0);
        await h.MakeAutonomousAsync(Movistar);
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        Assert.That((await h.SendAsync(MovistarLid, "hola", Initiator.Agent)).IsPermitted, Is.True);

        var usage = h.Policy.GetLimitUsage(Id(MovistarLid));
        Assert.That((usage.Chat, usage.SentThisHour, usage.InARow), Is.EqualTo((Id(Movistar), (int?)1, 1)));
    }

    [Test]
    public async Task A_hosts_own_limiter_keeps_its_own_hourly_count_so_none_is_claimed()
    {
        var limiter = Substitute.For<IRateLimiter>();
        limiter.CountConsecutiveSends(Arg.Any<ChatId>()).Returns(1);
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true })
            .WithRateLimiter(limiter)
            .BuildAsync();

        var usage = policy.GetLimitUsage(Id(Movistar));

        Assert.That((usage.SentThisHour, usage.HourlyFreesAt, usage.InARow), Is.EqualTo(((int?)null, (DateTimeOffset?)null, 1)));
    }
}
