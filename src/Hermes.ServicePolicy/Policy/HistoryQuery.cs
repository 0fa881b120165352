using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>Which audit events <see cref="IServiceConversationQueries.ReadHistoryAsync"/> returns. Every filter left out matches all.</summary>
public sealed record HistoryQuery
{
    /// <summary>Gets the earliest event time to return (inclusive).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the time before which events are returned (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the chat whose events are returned, under every alias it has.</summary>
    public ChatId? Chat { get; init; }

    /// <summary>Gets the event types to return.</summary>
    public IReadOnlySet<PolicyEventType>? Types { get; init; }

    /// <summary>Gets the log position after which events are returned (exclusive): to read on from the last event seen.</summary>
    public long AfterSequence { get; init; }
}
