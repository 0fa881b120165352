using System;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// No repeats: the agent sending a chat (any alias) a text equal to one permitted to it within
/// <c>duplicate_send_minutes</c> (after NFC, trimmed, whitespace runs as one space, case kept) is refused
/// <c>duplicate_send</c>, retry when that permit leaves the window. An agent in a loop says the same thing twice.
/// </summary>
internal sealed class DuplicateSendRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.IsAgentSendLeaving && check.Configuration.DuplicateWindow > TimeSpan.Zero && Wait(check) > TimeSpan.Zero ? ReasonCode.DuplicateSend : ReasonCode.None;

    public override TimeSpan? RetryAfter(in OutboundRuleInput check) => Wait(check);

    private static TimeSpan Wait(in OutboundRuleInput check)
        => check.State.AgentSends.UntilDuplicateLeaves(check.View.Primary, check.TextFingerprint, check.Now, check.Configuration.DuplicateWindow);
}
