namespace Hermes.ServicePolicy.Discovery;

/// <summary>
/// A chat's service status as listings and <c>status</c> show it. The first that applies wins:
/// revoked, paused, its mode, pending, blocked, none (docs/behaviour.md#states-and-modes).
/// </summary>
public enum ServiceChatStatus
{
    /// <summary><c>none</c>: not a service chat, nothing pending, nothing blocked lately.</summary>
    None = 0,

    /// <summary><c>blocked</c>: an inbound message from it was blocked in the last 7 days, so an operator can find and approve it.</summary>
    Blocked = 1,

    /// <summary><c>pending</c>: a first-contact draft to it waits for approval.</summary>
    Pending = 2,

    /// <summary><c>draft_first</c>: a service chat whose messages are drafts until it is promoted.</summary>
    DraftFirst = 3,

    /// <summary><c>draft_only</c>: a service chat whose messages are always drafts.</summary>
    DraftOnly = 4,

    /// <summary><c>autonomous</c>: a service chat the agent may write to within the rate limits.</summary>
    Autonomous = 5,

    /// <summary><c>paused</c>: the operator paused it; inbound is delivered, outbound denied.</summary>
    Paused = 6,

    /// <summary><c>revoked</c>: the operator revoked it; everything is blocked until it is approved again.</summary>
    Revoked = 7,
}

/// <summary>The snake_case names of <see cref="ServiceChatStatus"/> values.</summary>
public static class ServiceChatStatuses
{
    /// <summary>Gets the snake_case name (<c>draft_first</c>, <c>blocked</c>, …).</summary>
    public static string ToCode(this ServiceChatStatus status) => status switch
    {
        ServiceChatStatus.None => "none",
        ServiceChatStatus.Blocked => "blocked",
        ServiceChatStatus.Pending => "pending",
        ServiceChatStatus.DraftFirst => "draft_first",
        ServiceChatStatus.DraftOnly => "draft_only",
        ServiceChatStatus.Autonomous => "autonomous",
        ServiceChatStatus.Paused => "paused",
        ServiceChatStatus.Revoked => "revoked",
        _ => "none",
    };
}
