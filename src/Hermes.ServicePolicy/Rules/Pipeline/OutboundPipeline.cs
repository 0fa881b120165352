namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The outbound rules in their order, written once: the autonomous fast path, the slow path (inside the gate) and draft
/// approvals all run these lists, so no check can be skipped by one path and kept by another. The first refusal wins.
/// Two stages: <see cref="Rules"/> before the mode step (may this chat be written to at all?), and
/// <see cref="SendRules"/> after it, for a message about to leave (a permit or an approval; a draft skips them), before
/// the limits.
/// </summary>
internal sealed class OutboundPipeline
{
    /// <summary>
    /// The order of docs/behaviour.md: feature, kind, the owner's chat, revoked, paused, media, who may start a chat, a
    /// follow-up's chat; then, for a send, the outbound switch.
    /// </summary>
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
    ],
    [
        new OutboundNeverRule(),
    ]);

    private readonly OutboundRule[] _rules;
    private readonly OutboundRule[] _sendRules;

    public OutboundPipeline(OutboundRule[] rules, OutboundRule[] sendRules)
    {
        _rules = rules;
        _sendRules = sendRules;
    }

    /// <summary>Gets the rules before the mode step, in order (documentation and tests).</summary>
    public System.Collections.Generic.IReadOnlyList<OutboundRule> Rules => _rules;

    /// <summary>Gets the rules for a message about to leave, after the mode step and before the limits, in order.</summary>
    public System.Collections.Generic.IReadOnlyList<OutboundRule> SendRules => _sendRules;

    /// <summary>Runs the rules before the mode step; the first refusal is the answer. Allocation-free.</summary>
    public RuleVerdict Check(in OutboundCheck check) => Run(_rules, check);

    /// <summary>Runs the rules for a send or an approval the mode step let through; the first refusal is the answer.</summary>
    public RuleVerdict CheckSend(in OutboundCheck check) => Run(_sendRules, check);

    private static RuleVerdict Run(OutboundRule[] rules, in OutboundCheck check)
    {
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
