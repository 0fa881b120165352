using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.RateLimiting;

/// <summary>
/// The autonomous-send counters of an <see cref="IRateLimiter"/>, as a store checkpoints them (docs/behaviour.md
/// "Durability": written in batches at least once a second and at a clean shutdown). New-chat slots are not part of
/// it: they are rebuilt from the log's <c>first_contact_sent</c> events, which are durable one by one.
/// </summary>
/// <param name="Chats">Each chat's sends in the current hour and its sends in a row without a reply.</param>
public sealed record RateLimiterState(IReadOnlyList<ChatSendWindow> Chats)
{
    /// <summary>A state with no counters.</summary>
    public static RateLimiterState Empty { get; } = new([]);

    /// <summary>
    /// Gets when each new service chat of the rolling 24 h was counted (a full capture, for a snapshot); null when the
    /// state leaves them as they are (a capture of changes).
    /// </summary>
    public IReadOnlyList<DateTimeOffset>? NewChats { get; init; }
}

/// <summary>One chat's autonomous-send counters.</summary>
/// <param name="Chat">The chat.</param>
/// <param name="Sends">When each autonomous send in the sliding hour happened, oldest first.</param>
/// <param name="Consecutive">Autonomous sends since the chat's last reply.</param>
public sealed record ChatSendWindow(ChatId Chat, IReadOnlyList<DateTimeOffset> Sends, int Consecutive);
