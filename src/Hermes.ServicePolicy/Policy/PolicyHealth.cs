using System;

namespace Hermes.ServicePolicy.Policy;

/// <summary>How well the policy can decide now.</summary>
public enum PolicyHealthStatus
{
    /// <summary>It decides as configured (the feature off included: blocking everything is what "off" means).</summary>
    Healthy = 0,

    /// <summary>It decides, but something the owner should know holds: <c>outbound: never</c>, or audit sinks far behind.</summary>
    Degraded = 1,

    /// <summary>It fails closed: the state store cannot be read, or the rate-limit counters cannot be saved.</summary>
    Unhealthy = 2,
}

/// <summary>The answer of <see cref="ServiceConversationPolicy.CheckHealthAsync"/>: a status and one sentence saying why.</summary>
/// <param name="Status">Healthy, degraded or unhealthy.</param>
/// <param name="Description">Why, in a sentence (never a message's text or a whole phone number).</param>
/// <param name="Error">The failure behind an unhealthy answer, if any.</param>
public sealed record PolicyHealthReport(PolicyHealthStatus Status, string Description, Exception? Error = null)
{
    /// <summary>The audit backlog (events the sinks have not had yet) past which the policy reports itself degraded.</summary>
    public const int AuditBacklogDegraded = 10_000;
}
