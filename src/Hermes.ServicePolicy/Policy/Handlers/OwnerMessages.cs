using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Messages the owner types into a chat on their own phone (docs/behaviour.md#messages-the-owner-types-into-a-chat):
/// never a provider's reply. In a service chat: <c>owner_message</c>, audited with the chat's session and the exact
/// text, and nothing else changes (no reply recorded, no promotion, no session bound). Anywhere else: ignored.
/// </summary>
internal sealed class OwnerMessages
{
    private readonly PolicyCore _core;
    public OwnerMessages(PolicyCore core) => _core = core;

    public async ValueTask<InboundDecision> DecideAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var decision = await _core.Work.RetryAsync((Owner: this, Message: message), static (a, ct) => a.Owner.DecideOnceAsync(a.Message, ct), cancellationToken).ConfigureAwait(false);
        _core.Metrics.Inbound(decision);
        return decision;
    }

    private ValueTask<InboundDecision> DecideOnceAsync(InboundMessage message, CancellationToken cancellationToken)
        => IsIgnored(message, _core.Settings.Current)
            ? new(InboundDecision.Ignored(_core.State.PrimaryOf(message.Chat))) // answered without the gate: nothing to write
            : _core.Work.RunAsync(
                (Owner: this, Message: message),
                static (scope, a, ct) => a.Owner.DecideInsideAsync(scope, a.Message, ct),
                static (a, error) => InboundDecision.Blocked(ReasonCode.PolicyUnavailable, a.Owner._core.State.PrimaryOf(a.Message.Chat), error),
                cancellationToken);

    private async ValueTask<InboundDecision> DecideInsideAsync(ChangeScope scope, InboundMessage message, CancellationToken cancellationToken)
    {
        if (IsIgnored(message, scope.Configuration))
        {
            return InboundDecision.Ignored(_core.State.PrimaryOf(message.Chat));
        }

        var view = _core.State.View(message.Chat, scope.Configuration);
        var typed = new PolicyEvent { Type = PolicyEventType.OwnerMessage, Timestamp = scope.Now, Chat = view.Primary, Actor = ActorNames.OwnerActor, SessionId = view.Session, Text = message.Text ?? string.Empty };
        return await scope.CommitAsync(typed, cancellationToken).ConfigureAwait(false) is { } error
            ? InboundDecision.Blocked(ReasonCode.PolicyUnavailable, view.Primary, error)
            : InboundDecision.FromOwnerInServiceChat(view.Primary, view.Session);
    }

    /// <summary>Not a service chat's business: the feature is off, or the chat is an operator chat, not one-to-one, unknown or revoked.</summary>
    private bool IsIgnored(InboundMessage message, PolicyConfiguration configuration)
    {
        if (!configuration.Enabled || !message.Chat.IsOneToOne
            || (configuration.OperatorChats.Count > 0 && OperatorChatMessages.Decide(_core.State, message, configuration) is not null))
        {
            return true;
        }

        var view = _core.State.View(message.Chat, configuration);
        return view.IsRevoked || !view.IsService;
    }
}
