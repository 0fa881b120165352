using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy;

/// <summary>A message the agent or the operator wants to send.</summary>
/// <param name="Chat">The resolved chat (see <see cref="Targeting.IChatTargetResolver"/>).</param>
/// <param name="Text">The exact text; a draft binds to it.</param>
/// <param name="Initiator">Who asked for it.</param>
/// <param name="SessionId">The host's conversation (session or thread) id, so that replies come back to it.</param>
/// <param name="HasMedia">Whether it carries media.</param>
/// <param name="RequestedBy">
/// The operator who asked for it, when the host knows (an operator id, as for approvals): the actor of the events it
/// writes. Without it the actor is <c>operator</c> or <c>agent</c> by <paramref name="Initiator"/>. A reserved or
/// malformed name is denied <see cref="ReasonCode.InvalidActor"/>.
/// </param>
public readonly record struct OutboundRequest(ChatId Chat, string Text, Initiator Initiator, string? SessionId = null, bool HasMedia = false, string? RequestedBy = null);
