namespace Hermes.ServicePolicy.Rules;

/// <summary>A paused service chat gets nothing until it is resumed.</summary>
internal sealed class PausedRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check) => check.View.IsPaused ? ReasonCode.Paused : ReasonCode.None;
}
