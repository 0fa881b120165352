using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using static Hermes.ServicePolicy.Scenarios.ScenarioResults;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// Sends and the scenario's fake transport (FORMAT.md "Sends, operator commands, notices, history"): a permit is
/// reported at once as <c>transport</c> says (delivered unless told <c>failed</c>, <c>unknown</c> or <c>pending</c>),
/// as a host's transport loop would.
/// </summary>
public sealed partial class ScenarioRunner
{
    private async ValueTask<JsonObject> SendAsync(ServiceConversationPolicy policy, JsonElement step, CancellationToken cancellationToken)
    {
        var target = RequiredString(step, "target");
        var text = RequiredString(step, "text");
        var initiator = RequiredString(step, "initiator") switch
        {
            "operator" => Initiator.Operator,
            "agent" => Initiator.Agent,
            var other => throw new ScenarioFormatException($"initiator must be operator or agent, not '{other}'"),
        };
        var name = OptionalString(step, "name");
        var decision = await policy.DecideOutboundAsync(policy.Resolver, target, text, initiator, OptionalString(step, "session"), OptionalBool(step, "media") ?? false, cancellationToken).ConfigureAwait(false);
        if (name is not null && decision.Outcome == OutboundOutcome.Draft)
        {
            _draftNames[name] = decision.Draft;
            _draftHandles[name] = decision.Handle!;
        }

        return await ReportAsync(step, decision, cancellationToken).ConfigureAwait(false);
    }

    // The fake transport: reports a permit's outcome at once, unless the step says "pending".
    private async ValueTask<JsonObject> ReportAsync(JsonElement step, OutboundDecision decision, CancellationToken cancellationToken)
    {
        var result = OutboundResult(decision);
        if (decision.IsPermitted && await TransportAsync(step, decision, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            result["transport_report"] = refused;
        }

        return result;
    }

    /// <summary>Sends a permit with the fake transport as the step says; the reason code when the report was refused.</summary>
    private async ValueTask<string?> TransportAsync(JsonElement step, OutboundDecision permit, CancellationToken cancellationToken)
    {
        var transport = OptionalString(step, "transport") ?? "delivered";
        SendReport? report = transport switch
        {
            "delivered" => SendReport.Delivered(),
            "failed" => SendReport.Failed("the fake transport was told to fail"),
            "unknown" => SendReport.Unknown("the fake transport was told it cannot tell"),
            "pending" => null,
            _ => throw new ScenarioFormatException($"transport must be delivered, failed, unknown or pending, not '{transport}'"),
        };
        if (OptionalString(step, "send_name") is { } sendName)
        {
            _sendNames[sendName] = permit.Send;
        }

        if (report is not { } outcome)
        {
            return null;
        }

        var reported = await _policy!.ConfirmSendAsync(permit.Send, outcome, cancellationToken).ConfigureAwait(false);
        return reported.Ok ? null : reported.Reason.ToCode();
    }

    private async ValueTask<JsonObject> ConfirmAsync(ServiceConversationPolicy policy, JsonElement step, CancellationToken cancellationToken)
    {
        // A send id that is not well formed is one that never existed: unknown_send (SPEC.md "Sending"), not a malformed step.
        var send = OptionalString(step, "send_ref") is { } name
            ? (_sendNames.TryGetValue(name, out var named) ? named.ToString() : throw new ScenarioFormatException($"no send was named '{name}'"))
            : RequiredString(step, "send");

        var outcome = RequiredString(step, "outcome");
        var report = outcome switch
        {
            "delivered" => SendReport.Delivered(OptionalString(step, "message_id")),
            "failed" => SendReport.Failed(OptionalString(step, "error") ?? string.Empty),
            "unknown" => SendReport.Unknown(OptionalString(step, "error")),
            _ => throw new ScenarioFormatException($"outcome must be delivered, failed or unknown, not '{outcome}'"),
        };
        return OperatorResultOf(await policy.ConfirmSendAsync(send, report, cancellationToken).ConfigureAwait(false));
    }

    // The events written since the previous audit step, in store order, read back from the store.
    private async ValueTask<JsonObject> AuditAsync(ServiceConversationPolicy policy, CancellationToken cancellationToken)
    {
        var events = new JsonArray();
        await foreach (var e in policy.ReadHistoryAsync(new HistoryQuery { AfterSequence = _auditedThrough }, cancellationToken).ConfigureAwait(false))
        {
            events.Add(EventJson(e));
            _auditedThrough = e.Sequence;
        }

        return new JsonObject { ["events"] = events };
    }

    private static async ValueTask<JsonObject> HistoryAsync(ServiceConversationPolicy policy, JsonElement step, CancellationToken cancellationToken)
    {
        var query = new HistoryQuery();
        if (OptionalString(step, "chat") is { } chat)
        {
            var resolution = await policy.Resolver.ResolveAsync(chat, cancellationToken).ConfigureAwait(false);
            if (!resolution.IsResolved)
            {
                return new JsonObject { ["ok"] = false, ["reason"] = resolution.Reason.ToCode() };
            }

            query = query with { Chat = resolution.Chat };
        }

        if (OptionalString(step, "since") is { } since)
        {
            query = query with { Since = ParseTime(since) };
        }

        if (step.TryGetProperty("types", out var typesElement))
        {
            if (typesElement.ValueKind != JsonValueKind.Array)
            {
                throw new ScenarioFormatException("types must be an array of event types");
            }

            var types = new HashSet<PolicyEventType>();
            foreach (var type in typesElement.EnumerateArray())
            {
                types.Add(type.ValueKind == JsonValueKind.String && PolicyEventTypes.TryParse(type.GetString(), out var parsed) && parsed.IsAudited()
                    ? parsed
                    : throw new ScenarioFormatException($"'{type}' is not an audit event type"));
            }

            query = query with { Types = types };
        }

        var events = new JsonArray();
        await foreach (var e in policy.ReadHistoryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            events.Add(EventJson(e));
        }

        return new JsonObject { ["events"] = events };
    }
}
