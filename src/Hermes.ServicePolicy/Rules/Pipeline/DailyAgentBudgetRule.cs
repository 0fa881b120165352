using System;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The account's day: the agent's permits of the last 24 hours across all chats (failed sends not counted) are capped at
/// <c>max_agent_sends_per_day</c>; over it, <c>daily_send_limit</c>, retry when the oldest leaves the window.
/// </summary>
internal sealed class DailyAgentBudgetRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.IsAgentSendLeaving && check.Configuration.MaxAgentSendsPerDay > 0 && Wait(check) > TimeSpan.Zero ? ReasonCode.DailySendLimit : ReasonCode.None;

    public override TimeSpan? RetryAfter(in OutboundRuleInput check) => Wait(check);

    private static TimeSpan Wait(in OutboundRuleInput check) => check.State.AgentSends.UntilDailyFrees(check.Now, check.Configuration.MaxAgentSendsPerDay);
}
