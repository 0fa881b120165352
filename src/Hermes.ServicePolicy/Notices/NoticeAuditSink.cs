using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Notices;

/// <summary>Feeds an <see cref="IOperatorNoticeSink"/> from the audit outbox: the events that raise a notice, as notices.</summary>
internal sealed class NoticeAuditSink(IOperatorNoticeSink notices) : IAuditSink
{
    public ValueTask WriteAsync(PolicyEvent auditEvent, CancellationToken cancellationToken = default)
        => OperatorNotice.From(auditEvent) is { } notice ? notices.DeliverAsync(notice, cancellationToken) : ValueTask.CompletedTask;
}
