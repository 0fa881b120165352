using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The gate a transport calls on every message (docs/integrating-a-transport.md): may this inbound message reach the
/// agent, may this outbound message go out now, and what the transport did with a permitted send. Gating calls are
/// allocation-free and complete synchronously for in-memory and file state. Every answer fails closed: when the
/// store or the clock fails, the answer is a denial with <see cref="ReasonCode.PolicyUnavailable"/>.
/// </summary>
public interface IServiceConversationGate
{
    /// <summary>Gets whether service conversations are enabled in the configuration in force.</summary>
    bool IsEnabled { get; }

    /// <summary>Decides whether an inbound message reaches the agent, and into which session.</summary>
    ValueTask<InboundDecision> DecideInboundAsync(in InboundMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides whether an outbound message may be sent now (a permit with a send id), is held as a draft, or is denied.
    /// A permit's changes take effect at once; report the transport's outcome with <see cref="ConfirmSendAsync(OutboundDecision, SendReport, CancellationToken)"/>. Send it only after <see cref="TryTakePermit"/>.
    /// </summary>
    ValueTask<OutboundDecision> DecideOutboundAsync(in OutboundRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports what the transport did with a permitted send: <c>delivered</c> (audited with its exact text),
    /// <c>failed</c> (the send's own changes are undone) or <c>unknown</c> (counts as sent). The first report wins: the
    /// same outcome again is <c>ok</c>; another outcome, or an id never issued, answers <see cref="ReasonCode.UnknownSend"/>.
    /// Works while the feature is off. Never retry a send yourself: the library does not, and the operator decides.
    /// </summary>
    ValueTask<OperatorResult> ConfirmSendAsync(SendId send, SendReport report, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a permit for its one transport send, before anything goes on the wire: true only for a permit this
    /// policy issued and has not seen closed, whose chat and text are exactly the open send's, the first time it is
    /// taken in this process. A permit given twice, one of another policy, or one whose chat or text differs answers
    /// false: send nothing. A sender that takes every permit this way sends each at most once, and only what was
    /// permitted (docs/behaviour.md#sending).
    /// </summary>
    bool TryTakePermit(in OutboundDecision permit);

    /// <summary>
    /// Reports what the transport did with <paramref name="permit"/>, like <see cref="ConfirmSendAsync(SendId, SendReport, CancellationToken)"/>,
    /// and checks the permit against the open send first: a decision that is not a permit, or whose chat or text
    /// differs from what was permitted under its send id, answers <see cref="ReasonCode.UnknownSend"/> and audits nothing.
    /// </summary>
    ValueTask<OperatorResult> ConfirmSendAsync(OutboundDecision permit, SendReport report, CancellationToken cancellationToken = default);
}
