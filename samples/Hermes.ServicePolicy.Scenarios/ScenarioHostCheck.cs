using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Checks;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// A host check written in a scenario's <c>host_checks</c> step: when every condition it names holds (the text contains
/// a string, the initiator, a send or an approval), it answers <c>allow</c>, <c>deny</c>, <c>hold</c> or <c>throw</c>
/// (a check that fails); otherwise it allows.
/// </summary>
internal sealed class ScenarioHostCheck : IOutboundCheck
{
    private readonly string _answer;
    private readonly string? _reason;
    private readonly string? _textContains;
    private readonly Initiator? _initiator;
    private readonly bool? _approval;

    private ScenarioHostCheck(string answer, string? reason, string? textContains, Initiator? initiator, bool? approval)
    {
        _answer = answer;
        _reason = reason;
        _textContains = textContains;
        _initiator = initiator;
        _approval = approval;
    }

    /// <summary>Reads the step's <c>checks</c> array, in order.</summary>
    public static IReadOnlyList<ScenarioHostCheck> ReadAll(JsonElement step)
    {
        var array = Required(step, "checks");
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ScenarioFormatException("checks must be an array");
        }

        var checks = new List<ScenarioHostCheck>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ScenarioFormatException("each of checks must be an object");
            }

            var answer = RequiredString(item, "answer");
            var reason = OptionalString(item, "reason");
            if (answer is not ("allow" or "deny" or "hold" or "throw"))
            {
                throw new ScenarioFormatException($"a check's answer must be allow, deny, hold or throw, not '{answer}'");
            }

            if (answer is "deny" or "hold" && reason is null)
            {
                throw new ScenarioFormatException($"a check that answers {answer} needs a reason");
            }

            Initiator? initiator = OptionalString(item, "initiator") switch
            {
                null => null,
                "agent" => Initiator.Agent,
                "operator" => Initiator.Operator,
                var other => throw new ScenarioFormatException($"a check's initiator must be agent or operator, not '{other}'"),
            };
            bool? approval = OptionalString(item, "on") switch
            {
                null => null,
                "send" => false,
                "approval" => true,
                var other => throw new ScenarioFormatException($"a check's on must be send or approval, not '{other}'"),
            };
            checks.Add(new ScenarioHostCheck(answer, reason, OptionalString(item, "text_contains"), initiator, approval));
        }

        return checks;
    }

    public ValueTask<OutboundCheckResult> CheckAsync(OutboundCheckContext context, CancellationToken cancellationToken)
    {
        var applies = (_textContains is null || context.Text.Contains(_textContains, StringComparison.Ordinal))
            && (_initiator is null || context.Initiator == _initiator)
            && (_approval is null || context.IsApproval == _approval);
        return !applies ? new(OutboundCheckResult.Allow) : _answer switch
        {
            "deny" => new(OutboundCheckResult.Deny(_reason!)),
            "hold" => new(OutboundCheckResult.Hold(_reason!)),
            "throw" => throw new InvalidOperationException("the scenario's check failed on purpose"),
            _ => new(OutboundCheckResult.Allow),
        };
    }
}
