using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Gateway.Agents;

/// <summary>A service chat's message the policy delivered: route it into <see cref="SessionId"/>.</summary>
/// <param name="Chat">The canonical chat.</param>
/// <param name="SessionId">The session the chat is bound to (the conversation that started the contact), if any.</param>
/// <param name="Text">The text (never an operator command when <paramref name="AsPlainText"/>).</param>
/// <param name="AsPlainText">It started with a command prefix: conversation text only.</param>
/// <param name="MediaUrls">Media files as the transport gives them (on the bridge host for Hermes's bridge); empty when media is not allowed (stripped).</param>
/// <param name="MessageId">The WhatsApp message id.</param>
public sealed record ServiceMessage(ChatId Chat, string? SessionId, string Text, bool AsPlainText, IReadOnlyList<string> MediaUrls, string MessageId);

/// <summary>The owner's own message from an operator chat that is not a command: they are talking to their agent.</summary>
/// <param name="Chat">The operator chat.</param>
/// <param name="Text">The text.</param>
/// <param name="MessageId">The WhatsApp message id.</param>
public sealed record OwnerMessage(ChatId Chat, string Text, string MessageId);

/// <summary>The owner typed this into a service chat on their own phone: the owner's words, never the provider's reply.</summary>
/// <param name="Chat">The canonical service chat.</param>
/// <param name="SessionId">The session the chat is bound to, if any.</param>
/// <param name="Text">The text.</param>
/// <param name="MessageId">The WhatsApp message id.</param>
public sealed record OwnerTypedMessage(ChatId Chat, string? SessionId, string Text, string MessageId);

/// <summary>
/// The host's agent, as the gateway sees it: one small interface. The agent sends only through
/// <see cref="Sending.GatedSender"/>. Throwing leaves the message in the gateway's journal: it is offered again.
/// </summary>
public interface IServiceAgent
{
    /// <summary>A service chat's message, delivered by the policy.</summary>
    ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken);

    /// <summary>The owner's own message (not a command).</summary>
    ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The owner typed into a service chat on their own phone (audited <c>owner_message</c>): context for the session,
    /// never a provider's reply to answer. By default the agent is not told.
    /// </summary>
    ValueTask OnOwnerTypedAsync(OwnerTypedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
