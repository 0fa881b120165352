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
}
