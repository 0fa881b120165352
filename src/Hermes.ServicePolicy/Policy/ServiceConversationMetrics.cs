using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The policy's metrics, on the in-box <see cref="Meter"/> named <see cref="MeterName"/> (listen with
/// OpenTelemetry's <c>AddMeter("Hermes.ServicePolicy")</c> or <c>dotnet-counters</c>). Names follow the
/// OpenTelemetry semantic-convention style. Recording costs nothing measurable while no listener is attached, and
/// tag values are the stable snake_case codes, so the hot path stays allocation-free.
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

    private static readonly Meter Meter = new(MeterName, typeof(ServiceConversationMetrics).Assembly.GetName().Version?.ToString());
    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>(DecisionsInstrument, "{decision}", "Decisions of the service-conversation policy.");
    private static readonly Counter<long> Events = Meter.CreateCounter<long>(EventsInstrument, "{event}", "State changes committed by the service-conversation policy.");
    private static readonly Counter<long> LimitHits = Meter.CreateCounter<long>(LimitHitsInstrument, "{denial}", "Sends denied by a rate limit.");

    internal static void Inbound(in InboundDecision decision)
    {
        if (Decisions.Enabled)
        {
            Decisions.Add(1, new KeyValuePair<string, object?>("hermes.direction", "inbound"), new KeyValuePair<string, object?>("hermes.outcome", decision.IsDelivered ? "delivered" : "blocked"), new KeyValuePair<string, object?>("hermes.reason", decision.Reason.ToCode()));
        }
    }

    internal static void Outbound(in OutboundDecision decision, bool approval)
    {
        if (Decisions.Enabled)
        {
            var outcome = decision.Outcome switch
            {
                OutboundOutcome.Sent => "sent",
                OutboundOutcome.Draft => "draft",
                _ => "denied",
            };
            Decisions.Add(1, new KeyValuePair<string, object?>("hermes.direction", approval ? "approval" : "outbound"), new KeyValuePair<string, object?>("hermes.outcome", outcome), new KeyValuePair<string, object?>("hermes.reason", decision.Reason.ToCode()));
        }

        if (LimitHits.Enabled && decision.Reason is ReasonCode.DailyNewChatLimit or ReasonCode.HourlySendLimit or ReasonCode.ConsecutiveSendsWithoutReply)
        {
            LimitHits.Add(1, new KeyValuePair<string, object?>("hermes.limit", decision.Reason.ToCode()));
        }
    }

    internal static void Committed(PolicyEvent committed)
    {
        if (Events.Enabled)
        {
            Events.Add(1, new KeyValuePair<string, object?>("hermes.event", committed.Type.ToCode()));
        }
    }
}
