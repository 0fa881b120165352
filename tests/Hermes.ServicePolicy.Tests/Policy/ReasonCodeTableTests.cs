using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>One table of reason codes keyed by the enum: code, explanation, and whether waiting helps.</summary>
public class ReasonCodeTableTests
{
    [Test]
    public void Every_reason_has_one_snake_case_code_that_parses_back_and_an_explanation()
    {
        var reasons = Enum.GetValues<ReasonCode>();
        Assert.That(reasons.Select(r => r.ToCode()), Is.Unique.And.All.Match("^[a-z]+(_[a-z]+)*$"));
        Assert.That(reasons.Select(r => ReasonCodes.TryParse(r.ToCode(), out var parsed) ? parsed : (ReasonCode)(-1)), Is.EqualTo(reasons));
        Assert.That(reasons.Select(r => r.Describe()), Is.All.Not.Empty);
        Assert.That(() => ((ReasonCode)999).ToCode(), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Only_the_limits_that_time_frees_say_waiting_helps()
    {
        var waiting = Enum.GetValues<ReasonCode>().Where(r => r.RetryAfter() == RetryAfterKind.WhenTheWindowFrees);
        Assert.That(waiting, Is.EquivalentTo(new[] { ReasonCode.DailyNewChatLimit, ReasonCode.HourlySendLimit, ReasonCode.TooSoon, ReasonCode.DailySendLimit, ReasonCode.DuplicateSend }));
    }

    [TestCase(1, 10, ReasonCode.HourlySendLimit)]
    [TestCase(10, 1, ReasonCode.ConsecutiveSendsWithoutReply)]
    public async Task A_denial_carries_retry_after_exactly_when_its_row_says_waiting_helps(int perHour, int inARow, ReasonCode expected)
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = perHour;
            o.MaxConsecutiveAgentSendsWithoutReply = inARow;
        });
        await h.MakeAutonomousAsync(Vodafone);
        await h.SendAsync(Vodafone, "uno", Initiator.Agent);
        var denied = await h.SendAsync(Vodafone, "dos", Initiator.Agent);

        Assert.That(denied.Reason, Is.EqualTo(expected));
        Assert.That(denied.RetryAfter.HasValue, Is.EqualTo(denied.Reason.RetryAfter() != RetryAfterKind.None));
    }
}
