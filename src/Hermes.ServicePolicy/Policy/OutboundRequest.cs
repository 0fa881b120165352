using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>A message the agent or the operator wants to send.</summary>
/// <param name="Chat">The resolved chat (see <see cref="Targeting.IChatTargetResolver"/>).</param>
/// <param name="Text">The exact text; a draft binds to it.</param>
/// <param name="Initiator">Who asked for it.</param>
/// <param name="SessionId">The host's conversation (session or thread) id, so that replies come back to it.</param>
/// <param name="HasMedia">Whether it carries media.</param>
public readonly record struct OutboundRequest(ChatId Chat, string Text, Initiator Initiator, string? SessionId = null, bool HasMedia = false);
