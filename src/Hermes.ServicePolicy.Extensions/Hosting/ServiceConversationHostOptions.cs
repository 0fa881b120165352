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
}
