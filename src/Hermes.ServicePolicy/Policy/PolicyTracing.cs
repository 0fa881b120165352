using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The spans of <see cref="ServiceConversationTracing"/>: the façade (for inbound decisions, the gate's slow exit) asks
/// whether anyone listens first, so a policy nobody traces takes its usual path and allocates nothing; only a traced
/// decision goes through these wrappers. A service chat's reply on the inbound hot path is never traced: even asking
/// would cost it a sixth of its time (measured in TracingBenchmarks), and its span would time a lookup.
/// </summary>
internal static class PolicyTracing
{
    /// <summary>A source for one policy, or null when the host turned tracing off.</summary>
    public static ActivitySource? Create(bool enabled)
        => enabled ? new ActivitySource(ServiceConversationTracing.ActivitySourceName, typeof(PolicyTracing).Assembly.GetName().Version?.ToString()) : null;

    /// <summary>An inbound decision that writes or blocks (the gate's slow exit, called back with <paramref name="arg"/>), as a span.</summary>
    public static async ValueTask<InboundDecision> InboundAsync<TArg>(ActivitySource source, TArg arg, Func<TArg, ValueTask<InboundDecision>> decide)
    {
        using var span = source.StartActivity(ServiceConversationTracing.InboundSpan);
        var decision = await decide(arg).ConfigureAwait(false);
        Tag(span, decision.Outcome.ToCode(), decision.Reason, decision.Chat);
        return decision;
    }

    public static async ValueTask<OutboundDecision> OutboundAsync(ActivitySource source, OutboundGate gate, OutboundRequest request, CancellationToken cancellationToken)
    {
        using var span = source.StartActivity(ServiceConversationTracing.OutboundSpan);
        return Tagged(span, await gate.DecideAsync(request, cancellationToken).ConfigureAwait(false));
    }

    public static async ValueTask<OutboundDecision> ApprovalAsync(ActivitySource source, DraftApprovals drafts, DraftId draft, string approvedBy, CancellationToken cancellationToken)
    {
        using var span = source.StartActivity(ServiceConversationTracing.ApprovalSpan);
        return Tagged(span, await drafts.ApproveAsync(draft, approvedBy, cancellationToken).ConfigureAwait(false));
    }

    public static async ValueTask<OperatorResult> ConfirmAsync(ActivitySource source, SendConfirmations sends, SendId send, SendReport report, CancellationToken cancellationToken)
    {
        using var span = source.StartActivity(ServiceConversationTracing.ConfirmationSpan);
        return Tagged(span, await sends.ConfirmAsync(send, report, cancellationToken).ConfigureAwait(false));
    }

    public static async ValueTask<OperatorResult> ConfirmAsync(ActivitySource source, SendConfirmations sends, OutboundDecision permit, SendReport report, CancellationToken cancellationToken)
    {
        using var span = source.StartActivity(ServiceConversationTracing.ConfirmationSpan);
        return Tagged(span, await sends.ConfirmAsync(permit, report, cancellationToken).ConfigureAwait(false));
    }

    private static OutboundDecision Tagged(Activity? span, OutboundDecision decision)
    {
        Tag(span, decision.Outcome switch { OutboundOutcome.Permitted => "permitted", OutboundOutcome.Draft => "draft", _ => "denied" }, decision.Reason, decision.Chat);
        return decision;
    }

    private static OperatorResult Tagged(Activity? span, OperatorResult result)
    {
        Tag(span, result.Ok ? "ok" : "failed", result.Reason, default);
        return result;
    }

    private static void Tag(Activity? span, string outcome, ReasonCode reason, ChatId chat)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("hermes.outcome", outcome);
        if (reason != ReasonCode.None)
        {
            span.SetTag("hermes.reason", reason.ToCode());
        }

        if (!chat.IsEmpty)
        {
            span.SetTag("hermes.chat", chat.ToMaskedString());
        }

        if (reason == ReasonCode.PolicyUnavailable)
        {
            span.SetStatus(ActivityStatusCode.Error, "the policy failed closed");
        }
    }
}
