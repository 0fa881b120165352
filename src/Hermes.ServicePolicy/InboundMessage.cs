using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy;

/// <summary>An inbound WhatsApp message as the policy needs to see it: who sent it, its text, whether it carries media.</summary>
/// <param name="Chat">The chat it came from (the transport's <c>remoteJid</c>, parsed).</param>
/// <param name="Text">The text (or caption); only its first characters are read, for the command-prefix check.</param>
/// <param name="HasMedia">Whether it carries media.</param>
/// <param name="AlternateChat">The transport's alternate JID for the same chat (Baileys <c>remoteJidAlt</c>), if any: links a phone JID and a LID.</param>
/// <param name="FromOwner">The owner typed it on their own phone (Hermes's bridge: <c>fromOwner: true</c>): never a
/// provider's reply; decided <see cref="Policy.InboundOutcome.OwnerMessage"/> or <see cref="Policy.InboundOutcome.Ignored"/>.</param>
public readonly record struct InboundMessage(ChatId Chat, string? Text, bool HasMedia = false, ChatId AlternateChat = default, bool FromOwner = false);
