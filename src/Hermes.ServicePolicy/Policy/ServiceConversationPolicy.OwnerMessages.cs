using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Messages the owner types into a chat on their own phone (docs/behaviour.md#messages-the-owner-types-into-a-chat):
/// never a provider's reply. In a service chat: <c>owner_message</c>, audited with the chat's session and the exact
/// text, and nothing else changes (no reply recorded, no promotion, no session bound). Anywhere else: ignored.
/// </summary>
public sealed partial class ServiceConversationPolicy
{
    /// <summary>The actor of an <c>owner_message</c> event: the account's owner, typing on their own phone.</summary>
    internal const string OwnerActor = "owner";

    private async ValueTask<InboundDecision> DecideOwnerMessageAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = _shared
            ? await RetryOnConflictAsync(ct => DecideOwnerMessageOnceAsync(message, ct), static d => d.Error, cancellationToken).ConfigureAwait(false)
            : await DecideOwnerMessageOnceAsync(message, cancellationToken).ConfigureAwait(false);
        _metrics.Inbound(decision);
        return decision;
    }

    private async ValueTask<InboundDecision> DecideOwnerMessageOnceAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        if (IsOwnerMessageIgnored(message, Volatile.Read(ref _configuration)))
        {
            return InboundDecision.Ignored(_state.PrimaryOf(message.Chat)); // answered without the gate: nothing to write
        }

        await _journal.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configuration = Volatile.Read(ref _configuration);
            if (IsOwnerMessageIgnored(message, configuration))
            {
                return InboundDecision.Ignored(_state.PrimaryOf(message.Chat));
            }

            if (!TryNow(out var now, out var clockError))
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, _state.PrimaryOf(message.Chat), clockError);
            }

            var view = _state.View(message.Chat, configuration);
            var typed = new PolicyEvent { Type = PolicyEventType.OwnerMessage, Timestamp = now, Chat = view.Primary, Actor = OwnerActor, SessionId = view.Session, Text = message.Text ?? string.Empty };
            if (await _journal.CommitAsync([typed], cancellationToken).ConfigureAwait(false) is { } error)
            {
                return InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error);
            }

            return InboundDecision.FromOwnerInServiceChat(view.Primary, view.Session);
        }
        finally
        {
            _journal.Exit();
        }
    }

    /// <summary>Not a service chat's business: the feature is off, or the chat is an operator chat, not one-to-one, unknown or revoked.</summary>
    private bool IsOwnerMessageIgnored(InboundMessage message, Configuration.PolicyConfiguration configuration)
    {
        if (!configuration.Enabled || !message.Chat.IsOneToOne
            || (configuration.OperatorChats.Count > 0 && OperatorDecision(message, configuration) is not null))
        {
            return true;
        }

        var view = _state.View(message.Chat, configuration);
        return view.IsRevoked || !view.IsService;
    }
}
