using System;

namespace Hermes.ServicePolicy.Extensions.Hosting;

/// <summary>How the hosted services of the Microsoft.Extensions integration run (<c>services.Configure&lt;ServiceConversationHostOptions&gt;</c>).</summary>
public sealed class ServiceConversationHostOptions
{
    /// <summary>
    /// Gets or sets how often the hosted sweeper expires drafts and closes unconfirmed sends (default: one minute). A
    /// draft or send is closed at most this long after its time; nothing is closed early.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long each host check (<c>AddOutboundCheck</c>) may take before it counts as failed and the
    /// send is denied <c>policy_unavailable</c> (default: 5 seconds; more than zero, at most 5 minutes).
    /// </summary>
    public TimeSpan OutboundCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets whether the policy starts no spans at all (default: false; it traces a decision only while someone
    /// listens to the <c>Hermes.ServicePolicy</c> activity source, as OpenTelemetry's <c>AddSource</c> does).
    /// </summary>
    public bool DisableTracing { get; set; }
}
