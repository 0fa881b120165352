using System;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// One step of the outbound check order (docs/behaviour.md#outbound-the-order-of-checks): a small, stateless, pure
/// function of an <see cref="OutboundRuleInput"/>. A rule says why the request is refused, or <see cref="ReasonCode.None"/>
/// to pass it on; it never changes state (what a decision writes is the handler's, through the unit of work).
/// </summary>
/// <remarks>
/// Adding a rule is one new file (a subclass), one line in <see cref="OutboundPipeline.Default"/>, and its reason code
/// in <see cref="ReasonCode"/> and <see cref="ReasonCodes"/>; an option it reads is one descriptor in the configuration.
/// </remarks>
internal abstract class OutboundRule
{
    /// <summary>Gets whether a refusal by this rule is audited as <c>outbound_denied</c> (everything but "feature off" is).</summary>
    public virtual bool Audited => true;

    /// <summary>The reason this rule refuses the request, or <see cref="ReasonCode.None"/>.</summary>
    public abstract ReasonCode Check(in OutboundRuleInput check);

    /// <summary>
    /// When waiting alone lifts this rule's refusal, how long (asked only after <see cref="Check"/> refused); null when
    /// someone must change something. A rule that returns a value has a reason whose row says so (<see cref="RetryAfterKind"/>).
    /// </summary>
    public virtual TimeSpan? RetryAfter(in OutboundRuleInput check) => null;
}

/// <summary>A rule's refusal: the reason, whether it is audited, and when waiting lifts it.</summary>
internal readonly record struct RuleVerdict(ReasonCode Reason, bool Audited, TimeSpan? RetryAfter = null)
{
    public bool Passed => Reason == ReasonCode.None;
}
