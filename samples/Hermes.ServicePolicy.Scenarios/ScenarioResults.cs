using System;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>The JSON result fields of FORMAT.md, built from the library's answers.</summary>
internal static class ScenarioResults
{
    internal static JsonObject OperatorResultOf(OperatorResult result)
        => result.Ok ? Ok() : new JsonObject { ["ok"] = false, ["reason"] = result.Reason.ToCode(), ["explanation"] = result.Explain() };

    internal static JsonObject OutboundResult(OutboundDecision decision)
    {
        var result = decision.Outcome switch
        {
            OutboundOutcome.Permitted => new JsonObject { ["decision"] = "sent", ["chat"] = decision.Chat.ToString(), ["send"] = decision.Send.ToString() },
            OutboundOutcome.Draft => new JsonObject { ["decision"] = "draft", ["chat"] = decision.Chat.ToString(), ["draft"] = decision.Draft.Value, ["handle"] = decision.Handle },
            _ => new JsonObject { ["decision"] = "denied", ["reason"] = decision.Reason.ToCode() },
        };
        if (decision.RetryAfter is { } retry)
        {
            result["retry_after"] = XmlConvert.ToString(retry);
        }

        if (decision.HostReason is { } hostReason)
        {
            result["host_reason"] = hostReason;
        }

        if (decision.NotBefore is { } notBefore)
        {
            result["not_before"] = notBefore.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        result["explanation"] = decision.Explain();
        return result;
    }

    internal static JsonObject ResolutionResult(TargetResolution resolution)
    {
        switch (resolution.Kind)
        {
            case TargetResolutionKind.Resolved:
                return new JsonObject { ["result"] = "resolved", ["chat"] = resolution.Chat.ToString() };
            case TargetResolutionKind.Ambiguous:
                var candidates = new JsonArray();
                foreach (var candidate in resolution.Candidates)
                {
                    candidates.Add(candidate.ToString());
                }

                return new JsonObject { ["result"] = "ambiguous", ["candidates"] = candidates };
            case TargetResolutionKind.NotFound:
                return new JsonObject { ["result"] = "not_found" };
            default:
                return new JsonObject { ["result"] = "invalid", ["reason"] = SnakeCase(resolution.Error.ToString()), ["explanation"] = resolution.Explain() };
        }
    }

    internal static string KindName(ChatKind kind) => kind switch
    {
        ChatKind.Phone => "phone",
        ChatKind.Lid => "lid",
        ChatKind.Group => "group",
        ChatKind.Broadcast => "broadcast",
        _ => "newsletter",
    };

    internal static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    internal static ServiceChatMode ParseMode(string text)
        => ServiceChatModes.TryParse(text, out var mode) ? mode : throw new ScenarioFormatException($"mode must be draft_first, draft_only or autonomous, not '{text}'");

    internal static JsonObject Ok() => new() { ["ok"] = true };


    /// <summary>An audit event in the shape of the <c>audit</c> step: its audit line, with <c>time</c> and <c>seq</c>.</summary>
    internal static JsonObject EventJson(State.PolicyEvent e) => JsonNode.Parse(e.ToJson())!.AsObject();
}
