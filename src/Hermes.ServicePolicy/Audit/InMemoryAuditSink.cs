using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Audit;

/// <summary>An audit sink that keeps events in memory, for tests, samples and an operator's recent view.</summary>
public sealed class InMemoryAuditSink : IAuditSink
{
    private readonly List<PolicyEvent> _events = [];
    private readonly object _lock = new();

    /// <summary>Gets a copy of the events written so far, oldest first.</summary>
    public IReadOnlyList<PolicyEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Returns the events written since the previous call, and forgets them.</summary>
    public IReadOnlyList<PolicyEvent> Drain()
    {
        lock (_lock)
        {
            var drained = _events.ToArray();
            _events.Clear();
            return drained;
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(PolicyEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        lock (_lock)
        {
            _events.Add(auditEvent);
        }

        return ValueTask.CompletedTask;
    }
}
