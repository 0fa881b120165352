using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Applying a configuration (docs/configuration.md): validated first; a refused one is audited <c>policy_rejected</c>
/// and changes nothing; an accepted one is audited <c>policy_loaded</c> and swapped in only once that record is durable,
/// so a configuration nobody can audit never takes effect.
/// </summary>
internal sealed class ConfigurationChanges
{
    private readonly PolicyCore _core;

    public ConfigurationChanges(PolicyCore core) => _core = core;

    public ValueTask<ConfigurationResult> ApplyAsync(ServiceConversationOptions options, CancellationToken cancellationToken)
    {
        var validation = ServiceConversationOptionsValidator.Validate(options, _core.NationalNumbers);
        return ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken);
    }

    public ValueTask<ConfigurationResult> ApplyAsync(IEnumerable<KeyValuePair<string, string?>> values, CancellationToken cancellationToken)
    {
        var options = ServiceConversationOptionsReader.ReadPartial(values, out var readErrors);
        var validation = ServiceConversationOptionsValidator.Validate(options, _core.NationalNumbers);
        return readErrors.Count == 0
            ? ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken)
            : ApplyValidatedAsync(null, [.. readErrors, .. validation.Errors], cancellationToken); // every error, each once
    }

    private ValueTask<ConfigurationResult> ApplyValidatedAsync(PolicyConfiguration? configuration, IReadOnlyList<ConfigurationError> errors, CancellationToken cancellationToken)
        => _core.Work.RunAsync(
            (Changes: this, Configuration: configuration, Errors: errors),
            static (scope, a, ct) => a.Changes.ApplyInsideAsync(scope, a.Configuration, a.Errors, ct),
            static (a, error) => new ConfigurationResult(false, a.Errors, error),
            cancellationToken);

    private async ValueTask<ConfigurationResult> ApplyInsideAsync(ChangeScope scope, PolicyConfiguration? configuration, IReadOnlyList<ConfigurationError> errors, CancellationToken cancellationToken)
    {
        if (configuration is null)
        {
            return new ConfigurationResult(false, errors, await scope.CommitAsync(Rejected(scope, errors), cancellationToken).ConfigureAwait(false));
        }

        if (ServiceChatsMadeOperators(configuration) is { Count: > 0 } conflicts)
        {
            return new ConfigurationResult(false, conflicts, await scope.CommitAsync(Rejected(scope, conflicts), cancellationToken).ConfigureAwait(false));
        }

        var loaded = new PolicyEvent { Type = PolicyEventType.PolicyLoaded, Timestamp = scope.Now, Actor = ActorNames.SystemActor, Detail = PolicyDescription.Describe(scope.Configuration, configuration) };
        if (await scope.CommitAsync(loaded, cancellationToken).ConfigureAwait(false) is { } error)
        {
            return new ConfigurationResult(false, errors, error);
        }

        _core.Settings.Current = configuration; // swapped only once its record is durable
        _core.State.AgentSends.Configure(configuration);
        return new ConfigurationResult(true, errors, null);
    }

    private static PolicyEvent Rejected(ChangeScope scope, IReadOnlyList<ConfigurationError> errors)
        => new() { Type = PolicyEventType.PolicyRejected, Timestamp = scope.Now, Actor = ActorNames.SystemActor, Detail = string.Join("; ", errors) };

    // An operator chat is never a service chat: a configuration may not make an existing one the owner's chat.
    private List<ConfigurationError> ServiceChatsMadeOperators(PolicyConfiguration configuration)
    {
        var conflicts = new List<ConfigurationError>();
        foreach (var chat in configuration.OperatorChats)
        {
            if (_core.State.View(chat, configuration).Record is { IsService: true, Revoked: false })
            {
                conflicts.Add(new ConfigurationError("operator_chats", chat.ToString(), "this chat is a service chat (contacted or approved): revoke it first; an operator chat is never a service chat"));
            }
        }

        return conflicts;
    }
}
