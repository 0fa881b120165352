using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    public async ValueTask<ConfigurationResult> ApplyConfigurationAsync(ServiceConversationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = ServiceConversationOptionsValidator.Validate(options, _nationalNumbers);
        return await ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a configuration from key/value pairs (either spelling; see <see cref="ServiceConversationOptionsReader"/>)
    /// and applies it as <see cref="ApplyConfigurationAsync(ServiceConversationOptions, CancellationToken)"/> does; unreadable input is refused and audited the same way.
    /// </summary>
    public async ValueTask<ConfigurationResult> ApplyConfigurationAsync(IEnumerable<KeyValuePair<string, string?>> values, CancellationToken cancellationToken = default)
    {
        var options = ServiceConversationOptionsReader.ReadPartial(values, out var readErrors);
        var validation = ServiceConversationOptionsValidator.Validate(options, _nationalNumbers);
        return readErrors.Count == 0
            ? await ApplyValidatedAsync(validation.Configuration, validation.Errors, cancellationToken).ConfigureAwait(false)
            : await ApplyValidatedAsync(null, [.. readErrors, .. validation.Errors], cancellationToken).ConfigureAwait(false); // every error, each once
    }

    private async ValueTask<ConfigurationResult> ApplyValidatedAsync(PolicyConfiguration? configuration, IReadOnlyList<ConfigurationError> errors, CancellationToken cancellationToken)
    {
        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryNow(out var now, out var clockError))
            {
                return new ConfigurationResult(false, errors, clockError);
            }

            if (configuration is null)
            {
                var rejected = new PolicyEvent { Type = PolicyEventType.PolicyRejected, Timestamp = now, Actor = SystemActor, Detail = string.Join("; ", errors) };
                var failure = await _journal.CommitAsync([rejected], cancellationToken).ConfigureAwait(false);
                return new ConfigurationResult(false, errors, failure);
            }

            if (ServiceChatsMadeOperators(configuration) is { Count: > 0 } conflicts)
            {
                var refused = new PolicyEvent { Type = PolicyEventType.PolicyRejected, Timestamp = now, Actor = SystemActor, Detail = string.Join("; ", conflicts) };
                return new ConfigurationResult(false, conflicts, await _journal.CommitAsync([refused], cancellationToken).ConfigureAwait(false));
            }

            var previous = Volatile.Read(ref _configuration);
            var loaded = new PolicyEvent { Type = PolicyEventType.PolicyLoaded, Timestamp = now, Actor = SystemActor, Detail = DescribeChange(previous, configuration) };
            var error = await _journal.CommitAsync([loaded], cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return new ConfigurationResult(false, errors, error);
            }

            // Swapped only once its record is durable: a configuration nobody can audit never takes effect.
            Volatile.Write(ref _configuration, configuration);
            return new ConfigurationResult(true, errors, null);
        }
        finally
        {
            _journal.Exit();
        }
    }

    // An operator chat is never a service chat: a configuration may not make an existing one the owner's chat.
    private List<ConfigurationError> ServiceChatsMadeOperators(PolicyConfiguration configuration)
    {
        var conflicts = new List<ConfigurationError>();
        foreach (var chat in configuration.OperatorChats)
        {
            if (_state.View(chat, configuration).Record is { IsService: true, Revoked: false })
            {
                conflicts.Add(new ConfigurationError("operator_chats", chat.ToString(), "this chat is a service chat (contacted or approved): revoke it first; an operator chat is never a service chat"));
            }
        }

        return conflicts;
    }

    private static string DescribeChange(PolicyConfiguration previous, PolicyConfiguration next)
    {
        var o = next.Options;
        return $"enabled={o.Enabled.ToString().ToLowerInvariant()} default_mode={o.DefaultMode.ToCode()} approved_chats={next.ApprovedChatCount} approved_patterns={next.PatternCount} "
            + $"max_new_service_chats_per_day={o.MaxNewServiceChatsPerDay} max_auto_sends_per_chat_per_hour={o.MaxAutoSendsPerChatPerHour} "
            + $"max_consecutive_agent_sends_without_reply={o.MaxConsecutiveAgentSendsWithoutReply} allow_media={o.AllowMedia.ToString().ToLowerInvariant()} "
            + $"allow_agent_initiated_service_chats={o.AllowAgentInitiatedServiceChats.ToString().ToLowerInvariant()} auto_promote_replied_to_chats={o.AutoPromoteRepliedToChats.ToString().ToLowerInvariant()} "
            + $"require_explicit_approval_for_first_contact={o.RequireExplicitApprovalForFirstContact.ToString().ToLowerInvariant()} pending_draft_ttl_minutes={o.PendingDraftTtlMinutes} "
            + $"send_confirmation_minutes={o.SendConfirmationMinutes}"
            + (o.AuditRetentionDays > 0 ? $" audit_retention_days={o.AuditRetentionDays}" : string.Empty)
            + (o.DefaultRegion.Length > 0 ? $" default_region={o.DefaultRegion}" : string.Empty)
            + (previous.Enabled != next.Enabled ? (next.Enabled ? " (feature switched on)" : " (feature switched off)") : string.Empty);
    }
}
