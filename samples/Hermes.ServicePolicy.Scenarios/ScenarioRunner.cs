using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.PhoneNumbers;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// Replays a scenario (JSON Lines, one step per line; see tests/scenarios/shared/FORMAT.md) against the real
/// library. The sample's <c>simulate</c> command and the test suite both run scenarios through this one type.
/// </summary>
public sealed class ScenarioRunner : IAsyncDisposable
{
    /// <summary>Where the fake clock starts.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions OutputOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Func<IServiceStateStore> _openStore;
    private readonly TextWriter _output;
    private readonly TextWriter _errors;
    private readonly ManualTimeProvider _clock = new(ClockStart);
    private readonly InMemoryRecentChatSource _recentChats = new();
    private readonly InMemoryAuditSink _audit = new();
    private readonly Dictionary<string, DraftId> _draftNames = new(StringComparer.Ordinal);
    private IServiceStateStore? _store;
    private ServiceConversationPolicy? _policy;
    private ServiceConversationOptions? _configuration;
    private int _step;

    /// <summary>Creates a runner.</summary>
    /// <param name="openStore">Opens the state store; called at start and at each <c>restart</c> step (the previous store is disposed first if it is disposable).</param>
    /// <param name="output">Receives one JSON object per step.</param>
    /// <param name="errors">Receives failed expectations and malformed lines.</param>
    public ScenarioRunner(Func<IServiceStateStore> openStore, TextWriter output, TextWriter errors)
    {
        _openStore = openStore;
        _output = output;
        _errors = errors;
    }

    /// <summary>Runs every step of <paramref name="scenario"/>.</summary>
    /// <returns>0 when every expectation held, 1 when one failed, 2 for a malformed line (no further steps run).</returns>
    public async Task<int> RunAsync(TextReader scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var failed = false;
        var lineNumber = 0;
        while (await scenario.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            JsonObject result;
            JsonElement? expect;
            string op;
            try
            {
                using var document = ParseLine(trimmed);
                var step = document.RootElement;
                op = RequiredString(step, "op");
                expect = step.TryGetProperty("expect", out var e) ? e.Clone() : null;
                await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
                result = await ExecuteAsync(op, step, cancellationToken).ConfigureAwait(false);
            }
            catch (ScenarioFormatException ex)
            {
                await _errors.WriteLineAsync($"line {lineNumber}: malformed step: {ex.Message}").ConfigureAwait(false);
                await _errors.FlushAsync(cancellationToken).ConfigureAwait(false);
                return 2;
            }

            _step++;
            var output = new JsonObject { ["step"] = _step, ["op"] = op };
            foreach (var (key, value) in result)
            {
                output[key] = value?.DeepClone();
            }

            var json = output.ToJsonString(OutputOptions);
            await _output.WriteLineAsync(json).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (expect is { } expected)
            {
                using var actual = JsonDocument.Parse(json);
                if (JsonSubset.Compare(expected, actual.RootElement) is { } difference)
                {
                    failed = true;
                    await _errors.WriteLineAsync($"step {_step} (line {lineNumber}, {op}): expectation failed: {difference}").ConfigureAwait(false);
                    await _errors.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return failed ? 1 : 0;
    }

    /// <summary>
    /// Executes one step (a scenario line's object) and returns its result fields, without numbering or checking
    /// expectations: the interactive mode's entry point.
    /// </summary>
    /// <exception cref="ScenarioFormatException">The step is malformed; nothing ran.</exception>
    public async ValueTask<JsonObject> ExecuteStepAsync(JsonElement step, CancellationToken cancellationToken = default)
    {
        var op = RequiredString(step, "op");
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(op, step, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the state store and builds the policy now (steps do it on first use), so a host reports an unusable state directory once, up front.</summary>
    /// <exception cref="System.IO.IOException">The state directory is locked by another process or cannot be used.</exception>
    /// <exception cref="StateStoreCorruptedException">The state is damaged.</exception>
    public ValueTask OpenAsync(CancellationToken cancellationToken = default) => EnsureStartedAsync(cancellationToken);

    /// <summary>Gets the names given to drafts so far (<c>name</c> on a send), for the interactive mode.</summary>
    public IReadOnlyDictionary<string, DraftId> DraftNames => _draftNames;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _policy?.Dispose();
        _policy = null;
        await DisposeStoreAsync().ConfigureAwait(false);
    }

    private async ValueTask EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_policy is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        _store = _openStore();
        var builder = new ServiceConversationPolicyBuilder()
            .UsePhoneNumbers() // the sample includes the phone-number package, so default_region works (FORMAT.md)
            .WithStateStore(_store)
            .WithTimeProvider(_clock)
            .WithRecentChatSource(_recentChats)
            .AddAuditSink(_audit);
        if (_configuration is not null)
        {
            builder.WithOptions(_configuration);
        }

        _policy = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DisposeStoreAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        _store = null;
    }

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
                }

                return OutboundResult(decision);
            }

            case "approve":
                return OutboundResult(await policy.ApproveDraftAsync(DraftOf(step), RequiredString(step, "by"), cancellationToken).ConfigureAwait(false));

            case "reject":
                return OperatorResultOf(await policy.RejectDraftAsync(DraftOf(step), RequiredString(step, "by"), cancellationToken).ConfigureAwait(false));

            case "inbound":
            {
                var chat = RequiredString(step, "chat");
                var text = RequiredString(step, "text");
                var decision = await policy.DecideInboundAsync(chat, OptionalString(step, "alt"), text, OptionalBool(step, "media") ?? false, cancellationToken).ConfigureAwait(false);
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
                return await OnChatAsync(step, (c, ct) => policy.ApproveChatAsync(c, mode, RequiredString(step, "by"), ct), cancellationToken).ConfigureAwait(false);
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

            case "restart":
                policy.Dispose();
                _policy = null;
                await DisposeStoreAsync().ConfigureAwait(false);
                await StartAsync(cancellationToken).ConfigureAwait(false);
                return Ok();

            case "audit":
            {
                var events = new JsonArray();
                foreach (var e in _audit.Drain())
                {
                    var node = JsonNode.Parse(PolicyEventJson.ToJson(e))!.AsObject();
                    node.Remove("seq");
                    events.Add(node);
                }

                return new JsonObject { ["events"] = events };
            }

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

    private static JsonObject OperatorResultOf(OperatorResult result)
        => result.Ok ? Ok() : new JsonObject { ["ok"] = false, ["reason"] = result.Reason.ToCode(), ["explanation"] = result.Explain() };

    private static JsonObject OutboundResult(OutboundDecision decision)
    {
        var result = decision.Outcome switch
        {
            OutboundOutcome.Sent => new JsonObject { ["decision"] = "sent", ["chat"] = decision.Chat.ToString() },
            OutboundOutcome.Draft => new JsonObject { ["decision"] = "draft", ["chat"] = decision.Chat.ToString(), ["draft"] = decision.Draft.Value },
            _ => new JsonObject { ["decision"] = "denied", ["reason"] = decision.Reason.ToCode() },
        };
        if (decision.RetryAfter is { } retry)
        {
            result["retry_after"] = XmlConvert.ToString(retry);
        }

        result["explanation"] = decision.Explain();
        return result;
    }

    private static JsonObject ResolutionResult(TargetResolution resolution)
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

    private static string KindName(ChatKind kind) => kind switch
    {
        ChatKind.Phone => "phone",
        ChatKind.Lid => "lid",
        ChatKind.Group => "group",
        ChatKind.Broadcast => "broadcast",
        _ => "newsletter",
    };

    private static string SnakeCase(string pascal)
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

    private static ServiceChatMode ParseMode(string text)
        => ServiceChatModes.TryParse(text, out var mode) ? mode : throw new ScenarioFormatException($"mode must be draft_first, draft_only or autonomous, not '{text}'");

    private static JsonObject Ok() => new() { ["ok"] = true };
}
