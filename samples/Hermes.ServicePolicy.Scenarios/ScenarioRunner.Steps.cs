using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using static Hermes.ServicePolicy.Scenarios.ScenarioResults;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>The steps of FORMAT.md, one case each; sends, reports and history are in ScenarioRunner.Sends.cs.</summary>
public sealed partial class ScenarioRunner
{
    private async ValueTask<JsonObject> ExecuteAsync(string op, JsonElement step, CancellationToken cancellationToken)
    {
        var policy = _policy!;
        switch (op)
        {
            case "configure":
                return await ConfigureAsync(step, cancellationToken).ConfigureAwait(false);

            case "now":
                _clock.SetUtcNow(ParseTime(RequiredString(step, "at")));
                return Ok();

            case "advance":
                _clock.Advance(ParseDuration(RequiredString(step, "by")));
                return Ok();

            case "recent_chats":
                _recentChats.Replace(ReadRecentChats(Required(step, "chats")));
                return Ok();

            case "list_chats":
            {
                var limit = OptionalInt(step, "limit") ?? ChatDirectory.DefaultLimit;
                var listing = await policy.Directory.ListAsync(limit, OptionalBool(step, "include_groups") ?? false, cancellationToken).ConfigureAwait(false);
                var chats = new JsonArray();
                foreach (var chat in listing)
                {
                    chats.Add(new JsonObject
                    {
                        ["chat"] = chat.Chat.ToString(),
                        ["name"] = chat.Name,
                        ["kind"] = KindName(chat.Kind),
                        ["status"] = chat.Status.ToCode(),
                    });
                }

                return new JsonObject { ["chats"] = chats };
            }

            case "resolve":
                return ResolutionResult(await policy.Resolver.ResolveAsync(RequiredString(step, "target"), cancellationToken).ConfigureAwait(false));

            case "send":
                return await SendAsync(policy, step, cancellationToken).ConfigureAwait(false);

            case "approve":
                return await ReportAsync(step, await policy.ApproveDraftAsync(DraftOf(step), RequiredString(step, "by"), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

            case "confirm":
                return await ConfirmAsync(policy, step, cancellationToken).ConfigureAwait(false);

            case "sweep":
            {
                var swept = await policy.SweepAsync(cancellationToken).ConfigureAwait(false);
                return new JsonObject { ["drafts_expired"] = swept.DraftsExpired, ["sends_closed"] = swept.SendsClosed };
            }

            case "history":
                return await HistoryAsync(policy, step, cancellationToken).ConfigureAwait(false);

            case "reject":
                return OperatorResultOf(await policy.RejectDraftAsync(DraftOf(step), RequiredString(step, "by"), cancellationToken).ConfigureAwait(false));

            case "inbound":
            {
                var chat = RequiredString(step, "chat");
                var text = RequiredString(step, "text");
                var decision = await policy.DecideInboundAsync(chat, OptionalString(step, "alt"), text, OptionalBool(step, "media") ?? false, OptionalBool(step, "from_owner") ?? false, cancellationToken).ConfigureAwait(false);
                if (decision.Outcome is InboundOutcome.OwnerMessage)
                {
                    return new JsonObject { ["decision"] = "owner_message", ["chat"] = decision.Chat.ToString(), ["session"] = decision.SessionId, ["explanation"] = decision.Explain() };
                }

                if (decision.Outcome is InboundOutcome.Ignored)
                {
                    return new JsonObject { ["decision"] = "ignored", ["explanation"] = decision.Explain() };
                }

                if (decision.IsOperator)
                {
                    return new JsonObject { ["decision"] = "operator", ["chat"] = decision.Chat.ToString(), ["command"] = decision.IsCommand, ["explanation"] = decision.Explain() };
                }

                return decision.IsDelivered
                    ? new JsonObject
                    {
                        ["decision"] = "delivered",
                        ["chat"] = decision.Chat.ToString(),
                        ["session"] = decision.SessionId,
                        ["as_plain_text"] = decision.AsPlainText,
                        ["media_stripped"] = decision.MediaStripped,
                        ["explanation"] = decision.Explain(),
                    }
                    : new JsonObject { ["decision"] = "blocked", ["reason"] = decision.Reason.ToCode(), ["explanation"] = decision.Explain() };
            }

            case "approve_chat":
            {
                ServiceChatMode? mode = OptionalString(step, "mode") is { } text ? ParseMode(text) : null;
                return await OnChatAsync(step, (c, ct) => policy.ApproveChatAsync(c, RequiredString(step, "by"), mode, ct), cancellationToken).ConfigureAwait(false);
            }

            case "set_mode":
            {
                var mode = ParseMode(RequiredString(step, "mode"));
                return await OnChatAsync(step, (c, ct) => policy.SetModeAsync(c, mode, RequiredString(step, "by"), ct), cancellationToken).ConfigureAwait(false);
            }

            case "pause":
                return await OnChatAsync(step, (c, ct) => policy.PauseAsync(c, RequiredString(step, "by"), ct), cancellationToken).ConfigureAwait(false);

            case "resume":
                return await OnChatAsync(step, (c, ct) => policy.ResumeAsync(c, RequiredString(step, "by"), ct), cancellationToken).ConfigureAwait(false);

            case "revoke":
                return await OnChatAsync(step, (c, ct) => policy.RevokeAsync(c, RequiredString(step, "by"), ct), cancellationToken).ConfigureAwait(false);

            case "alias":
            {
                var aliasTarget = RequiredString(step, "alias");
                return await OnChatAsync(step, async (c, ct) =>
                {
                    var other = await policy.Resolver.ResolveAsync(aliasTarget, ct).ConfigureAwait(false);
                    return other.IsResolved
                        ? await policy.LinkAliasAsync(c, other.Chat, OptionalString(step, "by") ?? ServiceConversationPolicy.OperatorActor, ct).ConfigureAwait(false)
                        : OperatorResult.Failed(other.Reason);
                }, cancellationToken).ConfigureAwait(false);
            }

            case "status":
            {
                var resolution = await policy.Resolver.ResolveAsync(RequiredString(step, "chat"), cancellationToken).ConfigureAwait(false);
                if (!resolution.IsResolved)
                {
                    return new JsonObject { ["ok"] = false, ["reason"] = resolution.Reason.ToCode() };
                }

                var status = policy.GetStatus(resolution.Chat);
                return new JsonObject { ["chat"] = status.Chat.ToString(), ["status"] = status.Status.ToCode(), ["session"] = status.SessionId };
            }

            case "host_checks":
                // Checks are fixed when a policy is built: the host is restarted with the new ones, over the same state.
                _hostChecks = ScenarioHostCheck.ReadAll(step);
                goto case "restart";

            case "restart":
                await policy.DisposeAsync().ConfigureAwait(false);
                _policy = null;
                await DisposeStoreAsync().ConfigureAwait(false);
                await StartAsync(cancellationToken).ConfigureAwait(false);
                return Ok();

            case "operator":
                return await OperatorAsync(policy, step, cancellationToken).ConfigureAwait(false);

            case "notices":
                return await NoticesAsync(policy, cancellationToken).ConfigureAwait(false);

            case "audit":
                return await AuditAsync(policy, cancellationToken).ConfigureAwait(false);

            default:
                throw new ScenarioFormatException($"unknown op '{op}'");
        }
    }

    private async ValueTask<JsonObject> ConfigureAsync(JsonElement step, CancellationToken cancellationToken)
    {
        var section = Required(step, "service_conversations");
        if (section.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioFormatException("service_conversations must be an object");
        }

        if (OptionalInt(step, "random_seed") is { } seed)
        {
            _random.Reseed(seed); // fixes the jitter of send_jitter_seconds from here on
        }

        var values = new List<KeyValuePair<string, string?>>();
        Flatten(section, null, values);
        var options = ServiceConversationOptionsReader.Read(values, out _);
        var result = await _policy!.ApplyConfigurationAsync(values, cancellationToken).ConfigureAwait(false);
        if (result.Accepted)
        {
            _configuration = options;
            return Ok();
        }

        return new JsonObject { ["ok"] = false, ["error"] = "invalid_config", ["detail"] = result.Describe() };
    }

    /// <summary>Flattens JSON the way Microsoft.Extensions.Configuration does: nested keys joined by ':', arrays by index.</summary>
    internal static void Flatten(JsonElement element, string? prefix, List<KeyValuePair<string, string?>> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}", values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{index++}", values);
                }

                if (index == 0 && prefix is not null)
                {
                    values.Add(new(prefix, string.Empty));
                }

                break;
            case JsonValueKind.Null:
                values.Add(new(prefix!, null));
                break;
            case JsonValueKind.String:
                values.Add(new(prefix!, element.GetString()));
                break;
            default:
                values.Add(new(prefix!, element.GetRawText()));
                break;
        }
    }

    private async ValueTask<JsonObject> OnChatAsync(JsonElement step, Func<ChatId, CancellationToken, ValueTask<OperatorResult>> action, CancellationToken cancellationToken)
    {
        var resolution = await _policy!.Resolver.ResolveAsync(RequiredString(step, "chat"), cancellationToken).ConfigureAwait(false);
        if (!resolution.IsResolved)
        {
            return new JsonObject { ["ok"] = false, ["reason"] = resolution.Reason.ToCode() };
        }

        return OperatorResultOf(await action(resolution.Chat, cancellationToken).ConfigureAwait(false));
    }

    private DraftId DraftOf(JsonElement step)
    {
        if (OptionalString(step, "draft_ref") is { } name)
        {
            return _draftNames.TryGetValue(name, out var id) ? id : throw new ScenarioFormatException($"no draft was named '{name}'");
        }

        if (!step.TryGetProperty("draft", out _))
        {
            throw new ScenarioFormatException("approve and reject need draft_ref or draft");
        }

        return new DraftId(RequiredNonEmptyString(step, "draft"));
    }
}
