using System;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.AI;

namespace Hermes.ServicePolicy.AI.Tools;

/// <summary><c>list_service_chats</c>: the service chats among the owner's recent chats, metadata only (never a message).</summary>
internal sealed class ListServiceChatsFunction(IChatDirectory directory) : ToolFunction(
    ServiceConversationToolNames.ListServiceChats,
    "Lists the owner's WhatsApp service chats (companies and services the owner lets you talk to): chat id, name, mode and last activity. Never message contents; personal chats are not listed.",
    """{"type":"object","properties":{"limit":{"type":"integer","description":"How many chats, 1 to 50 (default 20).","minimum":1,"maximum":50}},"additionalProperties":false}""")
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var limit = Number(arguments, "limit", 20, 1, 50);
        // Listed from the most recent 200 chats: personal ones (no service status) are never shown to the model.
        var listing = await directory.ListAsync(ChatDirectory.MaxLimit, includeGroups: false, cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        var count = 0;
        foreach (var chat in listing)
        {
            if (!ToolAnswers.IsServiceChat(chat.Status))
            {
                continue;
            }

            count++;
            text.Append("- ").Append(chat.Chat.ToString()).Append(" | ").Append(chat.Name.Length == 0 ? "(no name)" : chat.Name)
                .Append(" | ").Append(chat.Status.ToCode())
                .Append(chat.LastActivity is { } last ? " | last activity " + ToolAnswers.Time(last) : string.Empty)
                .Append('\n');
            if (count == limit)
            {
                break;
            }
        }

        return count == 0
            ? "no service chats: the owner has not approved any chat for you yet. A first message to a company becomes a draft the owner approves."
            : $"{count} service chat{(count == 1 ? string.Empty : "s")}:\n{text}";
    }
}

/// <summary><c>find_chat</c>: a phone number, JID or name to one chat, or the candidates when it is ambiguous.</summary>
internal sealed class FindChatFunction(IChatTargetResolver resolver, IServiceConversationQueries queries) : ToolFunction(
    ServiceConversationToolNames.FindChat,
    "Finds a WhatsApp chat by phone number (international or national), WhatsApp id, or the exact contact name. Says when several chats match, so you can ask the user which one.",
    """{"type":"object","properties":{"query":{"type":"string","description":"A phone number, a WhatsApp id, or a contact name."}},"required":["query"],"additionalProperties":false}""")
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var (chat, answer) = await ChatAsync(resolver, arguments, "query", cancellationToken).ConfigureAwait(false);
        return answer ?? $"found: {chat} ({queries.GetStatus(chat).Status.ToCode()})";
    }
}

/// <summary><c>chat_status</c>: one chat's mode, its session, the owner's hold and how many drafts wait.</summary>
internal sealed class ChatStatusFunction(IChatTargetResolver resolver, IServiceConversationQueries queries) : ToolFunction(
    ServiceConversationToolNames.ChatStatus,
    "Tells a WhatsApp chat's status: its mode (autonomous, draft_first, draft_only, paused, revoked, pending, none), whether the owner has taken it over, and how many of your drafts wait for the owner.",
    """{"type":"object","properties":{"target":{"type":"string","description":"A phone number, a WhatsApp id, or a contact name."}},"required":["target"],"additionalProperties":false}""")
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var (chat, answer) = await ChatAsync(resolver, arguments, "target", cancellationToken).ConfigureAwait(false);
        if (answer is not null)
        {
            return answer;
        }

        var status = queries.GetStatus(chat);
        var drafts = 0;
        foreach (var draft in queries.GetPendingDrafts())
        {
            if (draft.Chat == status.Chat)
            {
                drafts++;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"status of {status.Chat}: {status.Status.ToCode()}; {ToolAnswers.ModeMeaning(status.Status)}")
            + (status.OwnerActiveUntil is { } until ? $"; the owner is writing in it themselves until {ToolAnswers.Time(until)}: do not write meanwhile" : string.Empty)
            + string.Create(CultureInfo.InvariantCulture, $"; {drafts} draft{(drafts == 1 ? string.Empty : "s")} waiting for the owner");
    }
}
