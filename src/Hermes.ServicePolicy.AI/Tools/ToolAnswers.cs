using System;
using System.Globalization;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.AI.Tools;

/// <summary>
/// What the tools answer, in words a model can act on. Each answer starts with a stable keyword (<c>sent</c>,
/// <c>sent_unknown</c>, <c>not_sent</c>, <c>draft</c>, <c>denied</c>, <c>ambiguous</c>, <c>not_found</c>,
/// <c>invalid</c>, <c>found</c>, <c>status</c>); reason codes are the policy's. Never an exception's message: it is
/// the host's, and may hold anything.
/// </summary>
internal static class ToolAnswers
{
    public static bool IsServiceChat(ServiceChatStatus status)
        => status is ServiceChatStatus.Autonomous or ServiceChatStatus.DraftFirst or ServiceChatStatus.DraftOnly or ServiceChatStatus.Paused or ServiceChatStatus.Pending;

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    public static string ModeMeaning(ServiceChatStatus status) => status switch
    {
        ServiceChatStatus.Autonomous => "you may write within the owner's limits",
        ServiceChatStatus.DraftFirst or ServiceChatStatus.DraftOnly => "what you write is held for the owner to approve",
        ServiceChatStatus.Paused => "the owner paused it: nothing can be sent",
        ServiceChatStatus.Revoked => "the owner revoked it: nothing can be sent",
        ServiceChatStatus.Pending => "a first message waits for the owner's approval",
        _ => "not a service chat: a first message becomes a draft for the owner",
    };

    public static string Unresolved(TargetResolution resolved) => resolved.Kind switch
    {
        TargetResolutionKind.Ambiguous => $"ambiguous: {resolved.Candidates.Count} chats match ({string.Join(", ", resolved.Candidates)}); ask the user which one, or use the chat id.",
        TargetResolutionKind.NotFound => "not_found: no chat matches; give the phone number with its country code.",
        _ => $"invalid: {resolved.Explain()}.",
    };

    public static string Sent(GatedSendResult result)
    {
        var decision = result.Decision;
        switch (decision.Outcome)
        {
            case OutboundOutcome.Permitted when result.Report is { } report:
                return report.Outcome switch
                {
                    SendOutcome.Delivered => $"sent: the message went out to {decision.Chat}.",
                    SendOutcome.Failed => "not_sent: the WhatsApp connection did not send it; nothing went out. You may try again later.",
                    _ => $"sent_unknown: it may have gone out to {decision.Chat}; the connection could not confirm it. Do not send it again.",
                };
            case OutboundOutcome.Permitted:
                return "not_sent: the send was refused before it went out. Nothing was sent.";
            case OutboundOutcome.Draft:
                var why = decision.HostReason is { } held ? $" ({held})" : decision.IsFirstContact ? " (a first message to a chat)" : string.Empty;
                return $"draft: held for the owner to approve{why}: draft {decision.Handle ?? decision.Draft.ToString()} for {decision.Chat}. "
                    + "The owner decides whether it goes out; you cannot approve it. Do not send it again.";
            default:
                return Denied(decision);
        }
    }

    private static string Denied(OutboundDecision decision)
    {
        var answer = $"denied ({decision.Reason.ToCode()}): {decision.Reason.Describe()}";
        if (decision.HostReason is { } reason)
        {
            answer += $" ({reason})";
        }

        return answer + (decision.RetryAfter is { } retry
            ? $". Try again no sooner than in {Duration(retry)}."
            : ". Waiting alone will not change this answer. Nothing was sent.");
    }

    private static string Duration(TimeSpan span) => span.TotalMinutes < 1
        ? $"{Math.Max(1, (int)Math.Ceiling(span.TotalSeconds))} seconds"
        : span.TotalHours < 2
            ? $"{(int)Math.Ceiling(span.TotalMinutes)} minutes"
            : $"{(int)Math.Ceiling(span.TotalHours)} hours";
}
