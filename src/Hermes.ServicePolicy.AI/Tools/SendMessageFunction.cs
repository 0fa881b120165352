using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.AI;

namespace Hermes.ServicePolicy.AI.Tools;

/// <summary>
/// <c>send_whatsapp_message</c>: the text goes through the policy (as the agent's, in the agent's session) and, when
/// permitted, through the host's transport; the answer says what happened, never more than the model may do next.
/// </summary>
internal sealed class SendMessageFunction(IChatTargetResolver resolver, GatedSender sender, string? session) : ToolFunction(
    ServiceConversationToolNames.SendWhatsAppMessage,
    "Sends a WhatsApp text message to a service chat (a company or service). The owner's rules decide: it is sent, held as a draft for the owner to approve (a first message to a company always is), or refused with the reason and when to try again. Never send the same text again after it was held or sent.",
    """{"type":"object","properties":{"target":{"type":"string","description":"The chat: a phone number, a WhatsApp id, or a contact name."},"text":{"type":"string","description":"The exact message text."}},"required":["target","text"],"additionalProperties":false}""")
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (Text(arguments, "text") is not { } text)
        {
            return "invalid: give the message as \"text\". Nothing was sent.";
        }

        var (chat, answer) = await ChatAsync(resolver, arguments, "target", cancellationToken).ConfigureAwait(false);
        if (answer is not null)
        {
            return answer + " Nothing was sent.";
        }

        var result = await sender.SendAsync(new OutboundRequest(chat, text, Initiator.Agent, session), cancellationToken).ConfigureAwait(false);
        return ToolAnswers.Sent(result);
    }
}
