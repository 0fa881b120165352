using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.PhoneNumbers;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// Replays a scenario (JSON Lines, one step per line; see tests/scenarios/shared/FORMAT.md) against the real
/// library. The sample's <c>simulate</c> command and the test suite both run scenarios through this one type.
/// </summary>
public sealed partial class ScenarioRunner : IAsyncDisposable
{
    /// <summary>Where the fake clock starts.</summary>
    public static readonly DateTimeOffset ClockStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions OutputOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Func<IServiceStateStore> _openStore;
    private readonly TextWriter _output;
    private readonly TextWriter _errors;
    private readonly ManualTimeProvider _clock = new(ClockStart);
    private readonly InMemoryRecentChatSource _recentChats = new();
    private readonly SeededRandom _random = new();
    private readonly Dictionary<string, DraftId> _draftNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SendId> _sendNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _draftHandles = new(StringComparer.Ordinal);
    private long _auditedThrough = -1; // the log position the last audit step read to; -1 until the first start
    private long _noticedThrough = -1; // the same for the notices step
    private OperatorCommandProcessor? _commands;
    private IServiceStateStore? _store;
    private ServiceConversationPolicy? _policy;
    private ServiceConversationOptions? _configuration;
    private IReadOnlyList<ScenarioHostCheck> _hostChecks = [];
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
        if (_policy is not null)
        {
            await _policy.DisposeAsync().ConfigureAwait(false);
        }

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
            .WithRandom(_random)
            .WithRecentChatSource(_recentChats);
        if (_configuration is not null)
        {
            builder.WithOptions(_configuration);
        }

        foreach (var check in _hostChecks)
        {
            builder.AddOutboundCheck(check);
        }

        _policy = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
        _commands = new OperatorCommandProcessor(_policy); // #N references do not survive a restart
        if (_auditedThrough < 0)
        {
            // The first audit step reports what this run writes, not a state directory's earlier history.
            _auditedThrough = _policy.HistoryPosition; // not a read of the whole history: a restart stays as fast as a fresh start
            _noticedThrough = _auditedThrough;
        }
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
}
