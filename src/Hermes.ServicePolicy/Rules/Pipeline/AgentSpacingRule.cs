using System;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// Spacing: the agent's send to a chat within <c>min_seconds_between_agent_sends</c> of its previous permitted send there
/// is refused <c>too_soon</c>, retry when the gap has passed. Unofficial clients are banned for rhythm as much as for volume.
/// </summary>
internal sealed class AgentSpacingRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.IsAgentSendLeaving && check.Configuration.AgentSendGap > TimeSpan.Zero && Wait(check) > TimeSpan.Zero ? ReasonCode.TooSoon : ReasonCode.None;

    public override TimeSpan? RetryAfter(in OutboundRuleInput check) => Wait(check);

    private static TimeSpan Wait(in OutboundRuleInput check) => check.State.AgentSends.UntilGapEnds(check.View.Primary, check.Now, check.Configuration.AgentSendGap);
}
