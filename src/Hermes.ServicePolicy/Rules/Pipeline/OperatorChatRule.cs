namespace Hermes.ServicePolicy.Rules;

/// <summary>The owner's own chat (<c>operator_chats</c>, under any alias) is never a service chat: <c>invalid_state</c>.</summary>
internal sealed class OperatorChatRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check)
    {
        var configuration = check.Configuration;
        if (configuration.OperatorChats.Count == 0)
        {
            return ReasonCode.None;
        }

        check.State.Aliases.TryGetAlias(check.View.Primary, out var alias);
        return configuration.IsOperator(check.View.Primary, alias) ? ReasonCode.InvalidState : ReasonCode.None;
    }
}
