using System;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>A chat the policy knows about (a service chat, or one blocked lately), as it contributes to listings and name lookup.</summary>
/// <param name="Chat">The canonical chat (its phone JID when one is linked).</param>
/// <param name="Name">The last known display name, if any.</param>
/// <param name="LastActivity">The time of its last event, if any.</param>
/// <param name="Status">Its service status.</param>
public readonly record struct KnownChat(ChatId Chat, string? Name, DateTimeOffset? LastActivity, ServiceChatStatus Status);
