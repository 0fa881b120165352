using System;

namespace Hermes.ServicePolicy.Gateway;

/// <summary>How <see cref="ServiceGateway"/> runs (docs/writing-a-transport.md).</summary>
public class ServiceGatewayOptions
{
    /// <summary>Gets or sets where the gateway keeps its inbound journal and its notice position (required; one gateway per folder).</summary>
    public string JournalDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets how many times handling one message may fail (the agent or a command threw) before it is set aside,
    /// so the messages behind it go on (1–100; default 5). Attempts wait 1 s, 2 s, 4 s, … (at most 30 s) apart, count
    /// across restarts, and the owner is told when one is set aside. A <c>policy_unavailable</c> answer is not a failure:
    /// the message waits for the policy, however long that takes.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the pause between rounds (more than zero, at most 5 minutes; default 1 s); doubled per failed round while the transport is down or failing, up to 30 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets a callback for each thing the gateway did (a decision, a reply, a notice), for logs and samples.</summary>
    public Action<GatewayActivity>? OnActivity { get; set; }

    /// <summary>Throws when a value is out of range, naming it.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(JournalDirectory))
        {
            throw new InvalidOperationException("ServiceGatewayOptions.JournalDirectory is required: the journal keeps received messages until they are decided.");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            throw new InvalidOperationException($"ServiceGatewayOptions.MaxAttempts must be 1 to 100, not {MaxAttempts}.");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"ServiceGatewayOptions.PollInterval must be more than zero and at most 5 minutes, not {PollInterval}.");
        }
    }
}

/// <summary>Something the gateway did.</summary>
/// <param name="Kind"><c>decision</c>, <c>routed</c> (handed to the agent), <c>command</c>, <c>reply</c> (a command's reply did not arrive: <c>failed</c> or <c>unknown</c>, with the error), <c>send</c>, <c>notice</c> (delivered, or <c>failed</c> / <c>unknown</c> with the error: offered again), <c>transport</c> (<c>connected</c> / <c>disconnected</c>, once per change), <c>poll_failed</c> (once per outage), <c>agent_failed</c>, <c>retry_later</c> or <c>set_aside</c> (a message failed <see cref="ServiceGatewayOptions.MaxAttempts"/> times).</param>
/// <param name="Chat">The chat concerned (raw as the transport gave it for decisions).</param>
/// <param name="Outcome">The decision's outcome or the command's sub-command.</param>
/// <param name="Detail">A reason code or error text, never a message body.</param>
public sealed record GatewayActivity(string Kind, string Chat, string Outcome, string? Detail);
