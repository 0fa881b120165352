using System;
using Hermes.ServicePolicy.Engine;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The owner took over the chat: for <c>owner_takeover_minutes</c> after they typed into it, the agent neither sends
/// nor drafts there (<c>owner_active</c>, retry when the hold ends). The owner's own sends and approvals go.
/// </summary>
internal sealed class OwnerTakeoverRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.Kind == OutboundDecisionKind.Send && check.Initiator == Initiator.Agent && HoldEnds(check) > check.Now ? ReasonCode.OwnerActive : ReasonCode.None;

    public override TimeSpan? RetryAfter(in OutboundRuleInput check) => HoldEnds(check) - check.Now;

    /// <summary>When the chat's hold ends: the owner's latest message plus the configured hold; the distant past when there is none.</summary>
    public static DateTimeOffset HoldEnds(in OutboundRuleInput check) => HoldEnds(check.View, check.Configuration.OwnerTakeover);

    /// <inheritdoc cref="HoldEnds(in OutboundRuleInput)"/>
    public static DateTimeOffset HoldEnds(in ChatView view, TimeSpan takeover)
        => view.Record?.OwnerTypedAt is { } typed && takeover > TimeSpan.Zero ? PolicyClock.AddClamped(typed, takeover) : DateTimeOffset.MinValue;
}
