using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Notices;

/// <summary>
/// Receives the notices for the owner (docs/operator-commands.md), after the event behind each is durable, in log
/// order, at least once; the host delivers them to its operator chats (<see cref="OperatorNotice.Format"/> gives the
/// text). A failing sink is retried and never holds a decision. Notices raised while no process was listening are read
/// back with <c>ReadNoticesAsync(afterSequence)</c> from the last <see cref="OperatorNotice.Sequence"/> delivered.
/// </summary>
public interface IOperatorNoticeSink
{
    /// <summary>Delivers one notice. Throwing means "not delivered": it is offered again.</summary>
    ValueTask DeliverAsync(OperatorNotice notice, CancellationToken cancellationToken = default);
}
