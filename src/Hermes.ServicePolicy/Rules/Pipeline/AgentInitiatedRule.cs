namespace Hermes.ServicePolicy.Rules;

/// <summary>The agent may start a chat (even as a draft) only with <c>allow_agent_initiated_service_chats: true</c>; an approval is the owner's, not the agent's.</summary>
internal sealed class AgentInitiatedRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
        => check.Kind == OutboundDecisionKind.Send && !check.View.IsService && check.Initiator == Initiator.Agent && !check.Configuration.AllowAgentInitiated
            ? ReasonCode.AgentInitiatedNotAllowed
            : ReasonCode.None;
}
