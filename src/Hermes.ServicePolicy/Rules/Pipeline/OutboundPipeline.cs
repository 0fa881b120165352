namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// The outbound rules in their order, written once: the autonomous fast path, the slow path (inside the gate) and draft
/// approvals all run these lists, so no check can be skipped by one path and kept by another. The first refusal wins.
/// Two stages: <see cref="Rules"/> before the mode step (may this chat be written to at all?), and
/// <see cref="AfterModeRules"/> once the mode step chose a draft or a message about to leave
/// (<see cref="OutboundRuleInput.Leaves"/>), before the limits (docs/behaviour.md#outbound-the-order-of-checks).
/// </summary>
internal sealed class OutboundPipeline
{
    /// <summary>
    /// The order of docs/behaviour.md: feature, kind, the owner's chat, revoked, paused, media, who may start a chat, a
    /// follow-up's chat; after the mode step, the outbound switch, the owner's takeover, the agent's pacing (spacing, the daily cap,
    /// duplicates) and the pending-draft caps.
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
        new OwnerTakeoverRule(),
        new AgentSpacingRule(),
        new DailyAgentBudgetRule(),
        new DuplicateSendRule(),
        new PendingDraftsRule(),
    ]);

    private readonly OutboundRule[] _rules;
    private readonly OutboundRule[] _afterMode;

    public OutboundPipeline(OutboundRule[] rules, OutboundRule[] afterMode)
    {
        _rules = rules;
        _afterMode = afterMode;
    }

    /// <summary>Gets the rules before the mode step, in order (documentation and tests).</summary>
    public System.Collections.Generic.IReadOnlyList<OutboundRule> Rules => _rules;

    /// <summary>Gets the rules after the mode step and before the limits, in order.</summary>
    public System.Collections.Generic.IReadOnlyList<OutboundRule> AfterModeRules => _afterMode;

    /// <summary>Runs the rules before the mode step; the first refusal is the answer. Allocation-free.</summary>
    public RuleVerdict Check(in OutboundRuleInput check) => Run(_rules, check);

    /// <summary>Runs the rules for what the mode step chose (a draft, or a message about to leave); the first refusal is the answer.</summary>
    public RuleVerdict CheckAfterMode(in OutboundRuleInput check) => Run(_afterMode, check);

    /// <summary>
    /// Runs both stages for a decision whose mode step is known before it runs (an autonomous send, an approval: a message
    /// about to leave); the first refusal is the answer.
    /// </summary>
    public RuleVerdict CheckBoth(in OutboundRuleInput check) => Run(_rules, check) is { Passed: false } refused ? refused : Run(_afterMode, check);

    private static RuleVerdict Run(OutboundRule[] rules, in OutboundRuleInput check)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var reason = rule.Check(check);
            if (reason != ReasonCode.None)
            {
                return new RuleVerdict(reason, rule.Audited, rule.RetryAfter(check));
            }
        }

        return default;
    }
}
