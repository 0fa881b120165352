using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>Audited refusals of outbound decisions and approvals: the rule pipeline's and the limits'.</summary>
internal static class Denials
{
    /// <summary>Writes an <c>outbound_denied</c> event and answers its reason, or <c>policy_unavailable</c> when it cannot be written.</summary>
    public static async ValueTask<OutboundDecision> CommitAsync(ChangeScope scope, PolicyEvent denied, CancellationToken cancellationToken)
    {
        var draft = denied.DraftId is null ? default : new DraftId(denied.DraftId);
        return await scope.CommitAsync(denied, cancellationToken).ConfigureAwait(false) is { } error
            ? OutboundDecision.Denied(ReasonCode.PolicyUnavailable, denied.Chat, error: error, draft: draft)
            : OutboundDecision.Denied(denied.Reason, denied.Chat, denied.RetryAfter, draft: draft);
    }
}
