namespace Hermes.ServicePolicy.Rules;

/// <summary><c>enabled: false</c> refuses everything, and is not audited (the switch itself is, in <c>policy_loaded</c>).</summary>
internal sealed class FeatureEnabledRule : OutboundRule
{
    public override bool Audited => false;

    public override ReasonCode Check(in OutboundRuleInput check)
        => check.Configuration.Enabled ? ReasonCode.None : ReasonCode.FeatureDisabled;
}
