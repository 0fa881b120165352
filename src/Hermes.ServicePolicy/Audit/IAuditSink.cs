using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Audit;

/// <summary>
/// Receives each audit event once it is durable in the state store, in log order. The store's log is the record of
/// truth, so a sink never shows a change that did not take effect. A sink that throws is retried from the event it
/// missed before any newer one, and until it has caught up every decision fails closed (<c>policy_unavailable</c>).
/// </summary>
public interface IAuditSink
{
    /// <summary>Writes one audit event.</summary>
    ValueTask WriteAsync(PolicyEvent auditEvent, CancellationToken cancellationToken = default);
}
