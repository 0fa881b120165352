namespace Hermes.ServicePolicy;

/// <summary>How outbound messages to a service chat are handled. Configuration spells them in snake_case.</summary>
public enum ServiceChatMode
{
    /// <summary><c>draft_first</c>: every message is a draft for the operator until the chat is promoted to <see cref="Autonomous"/>.</summary>
    DraftFirst = 0,

    /// <summary><c>draft_only</c>: every message is a draft, and the chat is never promoted automatically.</summary>
    DraftOnly = 1,

    /// <summary><c>autonomous</c>: the agent's messages are sent within the rate limits.</summary>
    Autonomous = 2,
}

/// <summary>The snake_case names of <see cref="ServiceChatMode"/> values.</summary>
public static class ServiceChatModes
{
    /// <summary>Gets the snake_case name (<c>draft_first</c>, <c>draft_only</c>, <c>autonomous</c>).</summary>
    public static string ToCode(this ServiceChatMode mode) => mode switch
    {
        ServiceChatMode.DraftFirst => "draft_first",
        ServiceChatMode.DraftOnly => "draft_only",
        _ => "autonomous",
    };

    /// <summary>Parses a snake_case mode name, case-insensitively. Nothing else is accepted.</summary>
    public static bool TryParse(string? text, out ServiceChatMode mode)
    {
        mode = ServiceChatMode.DraftFirst;
        switch (text?.ToUpperInvariant())
        {
            case "DRAFT_FIRST":
                return true;
            case "DRAFT_ONLY":
                mode = ServiceChatMode.DraftOnly;
                return true;
            case "AUTONOMOUS":
                mode = ServiceChatMode.Autonomous;
                return true;
            default:
                return false;
        }
    }
}
