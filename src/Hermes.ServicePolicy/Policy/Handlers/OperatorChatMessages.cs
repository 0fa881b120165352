using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;

namespace Hermes.ServicePolicy.Policy;

/// <summary>Messages in one of the owner's operator chats (docs/operator-commands.md): the owner's own, never a service message nor blocked.</summary>
internal static class OperatorChatMessages
{
    /// <summary>The decision for a message in an operator chat (under any alias), or null when the chat is not one.</summary>
    public static InboundDecision? Decide(StateProjection state, InboundMessage message, PolicyConfiguration configuration)
    {
        var primary = state.PrimaryOf(message.Chat);
        state.Aliases.TryGetAlias(primary, out var alias);
        if (!configuration.IsOperator(primary, alias) && !(message.AlternateChat.IsOneToOne && configuration.IsOperator(message.AlternateChat, default)))
        {
            return null;
        }

        var operatorChat = configuration.IsOperator(primary, default) || alias.IsEmpty ? primary : alias;
        return InboundDecision.FromOperator(configuration.IsOperator(operatorChat, default) ? operatorChat : primary, message.Text is not null && configuration.OperatorCommand.Arguments(message.Text) is not null);
    }
}
