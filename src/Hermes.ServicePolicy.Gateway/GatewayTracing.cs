using System.Diagnostics;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Gateway;

/// <summary>
/// The gateway's spans, on the policy's activity source name (<see cref="ServiceConversationTracing.ActivitySourceName"/>),
/// so one <c>AddSource</c> sees both: <c>hermes.gateway.poll</c> (one receive from the transport; tags
/// <c>hermes.outcome</c>, <c>hermes.events</c>) and <c>hermes.gateway.send</c> (one permit through the transport; tags
/// <c>hermes.outcome</c>, <c>hermes.chat</c> masked). The policy's decision spans made meanwhile are their children.
/// Nothing is started while nobody listens.
/// </summary>
internal static class GatewayTracing
{
    public const string PollSpan = "hermes.gateway.poll";

    public const string SendSpan = "hermes.gateway.send";

    public static readonly ActivitySource Source = new(ServiceConversationTracing.ActivitySourceName, typeof(GatewayTracing).Assembly.GetName().Version?.ToString());

    public static Activity? Start(string name) => Source.HasListeners() ? Source.StartActivity(name) : null;

    public static void End(Activity? span, string outcome, string? error)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("hermes.outcome", outcome);
        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
