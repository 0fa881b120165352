namespace Hermes.ServicePolicy.Rules;

/// <summary>A revoked chat gets nothing until an operator approves it again.</summary>
internal sealed class RevokedRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check) => check.View.IsRevoked ? ReasonCode.Revoked : ReasonCode.None;
}
