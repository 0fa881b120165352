namespace Hermes.ServicePolicy.Rules;

/// <summary><c>outbound: never</c>: no message leaves, whoever asks and whatever the chat's mode (drafts are still made).</summary>
internal sealed class OutboundNeverRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check) => check.Leaves && check.Configuration.OutboundNever ? ReasonCode.OutboundDisabled : ReasonCode.None;
}
