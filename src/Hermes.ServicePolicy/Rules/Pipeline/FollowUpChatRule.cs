namespace Hermes.ServicePolicy.Rules;

/// <summary>Approving a follow-up draft needs its chat to be a service chat still (a first-contact draft makes one).</summary>
internal sealed class FollowUpChatRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.Kind == OutboundDecisionKind.Approval && !check.IsFirstContact && !check.View.IsService ? ReasonCode.UnknownChat : ReasonCode.None;
}
