namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The outbound rules in their order, written once: the autonomous fast path, the slow path (inside the gate) and draft
/// approvals all run this list, so no check can be skipped by one path and kept by another. The first refusal wins.
/// The mode step (draft or permit) and the limits come after it, in the outbound gate.
/// </summary>
internal sealed class OutboundPipeline
{
    /// <summary>The order of docs/behaviour.md: feature, kind, the owner's chat, revoked, paused, media, who may start a chat, a follow-up's chat.</summary>
    public static readonly OutboundPipeline Default = new(
    [
        new FeatureEnabledRule(),
        new ChatKindRule(),
        new OperatorChatRule(),
        new RevokedRule(),
        new PausedRule(),
        new MediaRule(),
        new AgentInitiatedRule(),
        new FollowUpChatRule(),
    ]);

    private readonly OutboundRule[] _rules;

    public OutboundPipeline(OutboundRule[] rules) => _rules = rules;

    /// <summary>Gets the rules in order (documentation and tests).</summary>
    public System.Collections.Generic.IReadOnlyList<OutboundRule> Rules => _rules;

    /// <summary>Runs the rules in order; the first refusal is the answer. Allocation-free.</summary>
    public RuleVerdict Check(in OutboundCheck check)
    {
        var rules = _rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var reason = rules[i].Check(check);
            if (reason != ReasonCode.None)
            {
                return new RuleVerdict(reason, rules[i].Audited);
            }
        }

        return default;
    }
}
