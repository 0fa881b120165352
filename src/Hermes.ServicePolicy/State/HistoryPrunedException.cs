using System;

namespace Hermes.ServicePolicy.State;

/// <summary>The events asked for were pruned by <c>audit_retention_days</c>: history starts after <see cref="PrunedThrough"/>.</summary>
public sealed class HistoryPrunedException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public HistoryPrunedException()
        : this(0, 0)
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    public HistoryPrunedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the cause.</summary>
    public HistoryPrunedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a read after <paramref name="afterPosition"/> when history was pruned through <paramref name="prunedThrough"/>.</summary>
    public HistoryPrunedException(long afterPosition, long prunedThrough)
        : base($"Events after {afterPosition} were asked for, but history was pruned through event {prunedThrough} by audit_retention_days.")
        => PrunedThrough = prunedThrough;

    /// <summary>Gets the last event that was pruned.</summary>
    public long PrunedThrough { get; }
}
