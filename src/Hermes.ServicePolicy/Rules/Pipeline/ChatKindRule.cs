using Hermes.ServicePolicy.Engine;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Groups, broadcasts, newsletters and unreadable addresses are never service chats.</summary>
internal sealed class ChatKindRule : OutboundRule
{
    public override ReasonCode Check(in OutboundRuleInput check) => ChatView.KindReason(check.Chat);
}
