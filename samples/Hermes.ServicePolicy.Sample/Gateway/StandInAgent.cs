using System;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.ServicePolicy.Sample.Gateway;

/// <summary>
/// A stand-in for the host's agent: it answers every delivered service message with <c>Recibido: &lt;the message&gt;</c>
/// as an agent send in that chat's session, and reads the owner's <c>contact TARGET: TEXT</c> as the owner asking it to
/// contact TARGET (an operator send in a new session). It sends only through the gated sender.
/// </summary>
internal sealed partial class StandInAgent(IServiceProvider services) : IServiceAgent
{
    [GeneratedRegex(@"^\s*contact\s+(?<target>.+?)\s*:\s*(?<text>.+)$", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ContactRequest();

    public async ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken)
    {
        // Scheduled, not awaited: a permit with a not_before (send_jitter_seconds) waits in its chat's lane while the
        // gateway goes on with other chats' messages; the outcome is printed when it is known.
        var sender = services.GetRequiredService<GatedSender>();
        var scheduled = await sender.ScheduleAsync(new OutboundRequest(message.Chat, $"Recibido: {message.Text}", Initiator.Agent, message.SessionId), cancellationToken).ConfigureAwait(false);
        _ = PrintWhenDoneAsync(scheduled, "reply");
    }

    private async Task PrintWhenDoneAsync(ScheduledSend scheduled, string kind)
    {
        try
        {
            Print(await scheduled.Completion.ConfigureAwait(false), kind);
        }
        catch (OperationCanceledException)
        {
            Print(new GatedSendResult(scheduled.Decision, SendReport.Failed("stopped before it was sent"), null), kind);
        }
#pragma warning disable CA1031 // The sample prints every outcome; a send that threw is one.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Print(new GatedSendResult(scheduled.Decision, SendReport.Unknown(error.Message), null), kind);
        }
    }

    public async ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken)
    {
        if (ContactRequest().Match(message.Text) is not { Success: true } request)
        {
            services.GetRequiredService<Action<JsonObject>>()(new JsonObject { ["kind"] = "owner_message", ["chat"] = message.Chat.ToString(), ["outcome"] = "not_a_request" });
            return;
        }

        var policy = services.GetRequiredService<IServiceConversationPolicy>();
        var target = await policy.Resolver.ResolveAsync(request.Groups["target"].Value, cancellationToken).ConfigureAwait(false);
        if (!target.IsResolved)
        {
            services.GetRequiredService<Action<JsonObject>>()(new JsonObject { ["kind"] = "contact", ["outcome"] = "denied", ["detail"] = target.Reason.ToCode() });
            return;
        }

        var session = $"s-{Guid.NewGuid():N}"[..10];
        var result = await services.GetRequiredService<GatedSender>()
            .SendAsync(new OutboundRequest(target.Chat, request.Groups["text"].Value.Trim(), Initiator.Operator, session), cancellationToken).ConfigureAwait(false);
        Print(result, "contact");
    }

    private void Print(GatedSendResult result, string kind)
        => services.GetRequiredService<Action<JsonObject>>()(new JsonObject
        {
            ["kind"] = kind,
            ["chat"] = result.Decision.Chat.ToString(),
            ["outcome"] = result.Report?.Outcome.ToCode() ?? result.Decision.Outcome.ToString().ToLowerInvariant(),
            // A send that did not go out says why (the bridge's error); a denial its reason code; a draft its handle.
            ["detail"] = result.Report is { Outcome: not SendOutcome.Delivered } report ? report.Error
                : result.Decision.Reason == ReasonCode.None ? result.Decision.Handle : result.Decision.Reason.ToCode(),
        });
}
