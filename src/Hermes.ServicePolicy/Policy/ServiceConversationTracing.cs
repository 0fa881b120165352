namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The policy's traces (docs/observability.md): an <see cref="System.Diagnostics.ActivitySource"/> named
/// <see cref="ActivitySourceName"/> with a span per decision and a child span per commit to the state store, whose
/// duration is the store's latency. Listen with OpenTelemetry's <c>AddSource("Hermes.ServicePolicy")</c> or an
/// <see cref="System.Diagnostics.ActivityListener"/>. Nothing is allocated or timed while nobody listens; the builder's
/// <c>WithTracing(false)</c> turns it off for a policy.
/// </summary>
/// <remarks>
/// Tags: <c>hermes.outcome</c> (<c>delivered</c>, <c>blocked</c>, <c>permitted</c>, <c>draft</c>, <c>denied</c>, <c>ok</c>,
/// …), <c>hermes.reason</c> (a reason code, when there is one), <c>hermes.chat</c> (masked: <c>346*****111@s.whatsapp.net</c>),
/// <c>hermes.events</c> on a commit. A decision that failed closed (<c>policy_unavailable</c>) has the error status.
/// Never a message's text.
/// </remarks>
public static class ServiceConversationTracing
{
    /// <summary>The activity source's name (the same as the meter's).</summary>
    public const string ActivitySourceName = "Hermes.ServicePolicy";

    /// <summary>An inbound decision that writes or blocks (a service chat's reply on the hot path has none: it is counted in the metrics).</summary>
    public const string InboundSpan = "hermes.service_policy.inbound";

    /// <summary>An outbound decision.</summary>
    public const string OutboundSpan = "hermes.service_policy.outbound";

    /// <summary>A draft's approval.</summary>
    public const string ApprovalSpan = "hermes.service_policy.approval";

    /// <summary>A send's confirmation (what the transport did with a permit).</summary>
    public const string ConfirmationSpan = "hermes.service_policy.confirmation";

    /// <summary>One commit to the state store (append, apply, durable), inside the decision that made it.</summary>
    public const string CommitSpan = Engine.Journal.CommitSpan;
}
