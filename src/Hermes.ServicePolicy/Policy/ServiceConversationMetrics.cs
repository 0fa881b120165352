namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The names of the policy's metrics (OpenTelemetry semantic-convention style). The instruments live on a meter named
/// <see cref="MeterName"/>, created from the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when the
/// builder is given one (the Microsoft.Extensions package passes the container's), else owned by the policy. Listen with
/// OpenTelemetry's <c>AddMeter("Hermes.ServicePolicy")</c>, <c>dotnet-counters</c> or <c>MetricCollector&lt;T&gt;</c>.
/// </summary>
public static class ServiceConversationMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Hermes.ServicePolicy";

    /// <summary>Decisions, tagged <c>hermes.direction</c> (inbound, outbound, approval), <c>hermes.outcome</c> and <c>hermes.reason</c>.</summary>
    public const string DecisionsInstrument = "hermes.service_policy.decisions";

    /// <summary>Committed events (state changes), tagged <c>hermes.event</c>: drafts by outcome, approvals, pauses, …</summary>
    public const string EventsInstrument = "hermes.service_policy.events";

    /// <summary>Denials by a rate limit, tagged <c>hermes.limit</c>.</summary>
    public const string LimitHitsInstrument = "hermes.service_policy.limit_hits";

    /// <summary>Send permits closed, tagged <c>hermes.outcome</c>: <c>delivered</c>, <c>failed</c>, <c>unknown</c>, <c>not_confirmed</c>.</summary>
    public const string SendOutcomesInstrument = "hermes.service_policy.send_outcomes";

    /// <summary>The counter of decisions made again because another process changed a shared state first.</summary>
    public const string ConflictsInstrument = "hermes.service_policy.conflicts";
}
