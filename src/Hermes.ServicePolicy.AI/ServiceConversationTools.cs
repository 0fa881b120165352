using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.AI.Tools;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.AI;

namespace Hermes.ServicePolicy.AI;

/// <summary>
/// The tools an agent on Microsoft.Extensions.AI calls (docs/agent-tools.md): add <see cref="ForSession"/>'s functions to
/// <c>ChatOptions.Tools</c> of any <c>IChatClient</c> with function invocation, or to an Agent Framework agent.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>list_service_chats</c>: the service chats among the owner's recent chats (id, name, mode, last activity); personal chats and message contents never.</item>
/// <item><c>find_chat</c>: a phone number, WhatsApp id or exact name to one chat, or the candidates when several match.</item>
/// <item><c>send_whatsapp_message</c>: the text goes through the policy, as the agent's, in the session the tools were made for, and only a permit through the host's transport (<see cref="GatedSender"/>). The answer says sent (after the transport's report), held as a draft for the owner (with its handle, never the power to approve it), or denied with the reason code, what it means and when to try again.</item>
/// <item><c>chat_status</c>: one chat's mode, the owner's takeover, and how many drafts wait.</item>
/// </list>
/// No tool approves, changes a mode, pauses, revokes, or reads any chat's messages: there is no function for it, so
/// no prompt can reach one. Answers start with a stable keyword and never quote an exception's message.
/// </remarks>
public sealed class ServiceConversationTools
{
    private readonly IChatDirectory _directory;
    private readonly IChatTargetResolver _resolver;
    private readonly IServiceConversationQueries _queries;
    private readonly GatedSender _sender;

    /// <summary>Creates the tools over the policy and the gated sender of the host's transport.</summary>
    public ServiceConversationTools(ServiceConversationPolicy policy, GatedSender sender)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(sender);
        _directory = policy.Directory;
        _resolver = policy.Resolver;
        _queries = policy;
        _sender = sender;
    }

    /// <summary>
    /// The four tools for one conversation of the agent: <paramref name="sessionId"/> is the host's session (thread)
    /// id, so that a provider's replies come back to this conversation; null for none.
    /// </summary>
    public IReadOnlyList<AIFunction> ForSession(string? sessionId) =>
    [
        new ListServiceChatsFunction(_directory),
        new FindChatFunction(_resolver, _queries),
        new SendMessageFunction(_resolver, _sender, sessionId),
        new ChatStatusFunction(_resolver, _queries),
    ];
}
