using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.ServicePolicy.OwnerConsole.Pages;

/// <summary>The console's pages: pending drafts, chats, the audit timeline, status. Read-only; their forms post to <see cref="Actions.ConsoleActions"/>.</summary>
internal sealed class ConsolePages(string prefix, ServiceConversationConsoleOptions options)
{
    public IResult Drafts(HttpContext http)
    {
        var policy = Policy(http);
        var tokens = Tokens(http);
        var body = new StringBuilder();
        var drafts = policy.GetPendingDrafts();
        body.Append("<p id=\"live\" class=\"result\" hidden data-events=\"").Text(prefix + "/events").Append("\"></p>");
        if (drafts.Count == 0)
        {
            body.Append("<p>No draft is waiting for you.</p>");
        }
        else
        {
            body.Append("<table><tr><th>Draft</th><th>Chat</th><th>Exact text</th><th>Asked by</th><th>Expires</th><th></th></tr>");
            foreach (var draft in drafts)
            {
                body.Append("<tr id=\"d-").Text(draft.Id.ToString()).Append("\"><td>").Text(draft.Handle ?? draft.Id.ToString())
                    .Append(draft.IsFirstContact ? "<br>first contact" : string.Empty).Append("</td><td>").Text(ChatLabel(policy, draft.Chat))
                    .Append("</td><td><pre class=\"text\">").Text(draft.Text).Append("</pre>").Append(draft.HasMedia ? "<br>(with media)" : string.Empty)
                    .Append("</td><td>").Text(draft.Initiator.ToString().ToLowerInvariant()).Append(draft.SessionId is null ? string.Empty : " · session ").Text(draft.SessionId)
                    .Append("</td><td>").Text(Time(draft.ExpiresAt)).Append("</td><td>");
                body.Form(prefix + "/drafts/approve", tokens).Hidden("draft", draft.Id.ToString()).Hidden("digest", Html.Digest(draft.Text)).Submit("Approve this text");
                body.Form(prefix + "/drafts/reject", tokens).Hidden("draft", draft.Id.ToString()).Submit("Reject");
                body.Append("</td></tr>");
            }

            body.Append("</table>");
        }

        return Results.Content(Html.Page(prefix, "Pending drafts", body), "text/html; charset=utf-8");
    }

    public IResult Chats(HttpContext http)
    {
        var policy = Policy(http);
        var tokens = Tokens(http);
        var body = new StringBuilder("<table><tr><th>Chat</th><th>Status</th><th>Owner's hold</th><th>Limits used</th><th>Last activity</th><th></th></tr>");
        foreach (var chat in policy.GetKnownChats())
        {
            var status = policy.GetStatus(chat.Chat);
            body.Append("<tr><td>").Text(ChatLabel(policy, chat.Chat)).Append("</td><td>").Text(chat.Status.ToCode())
                .Append("</td><td>").Text(status.OwnerActiveUntil is { } until ? "until " + Time(until) : "-")
                .Append("</td><td>");
            Limits(body, policy.GetLimitUsage(chat.Chat)).Append("</td><td>").Text(chat.LastActivity is { } at ? Time(at) : "-").Append("</td><td>");
            foreach (var action in new[] { "pause", "resume", "revoke", "handback" })
            {
                body.Form(prefix + "/chats/action", tokens).Hidden("chat", chat.Chat.ToString()).Hidden("action", action).Submit(action == "handback" ? "hand back" : action);
            }

            body.Form(prefix + "/chats/action", tokens).Hidden("chat", chat.Chat.ToString()).Hidden("action", "mode")
                .Append("<select name=\"mode\" aria-label=\"mode\">");
            foreach (var mode in new[] { ServiceChatMode.DraftFirst, ServiceChatMode.DraftOnly, ServiceChatMode.Autonomous })
            {
                var current = mode.ToCode() == chat.Status.ToCode() ? " selected" : string.Empty; // the chat's mode shown first
                body.Append("<option value=\"").Text(mode.ToCode()).Append('"').Append(current).Append('>').Text(mode.ToCode()).Append("</option>");
            }

            body.Append("</select>").Submit("set mode").Append("</td></tr>");
        }

        return Results.Content(Html.Page(prefix, "Chats", body.Append("</table>")), "text/html; charset=utf-8");
    }

    public async Task<IResult> Audit(HttpContext http, CancellationToken cancellationToken)
    {
        var policy = Policy(http);
        var query = http.Request.Query;
        // A filter that does not read is said, never dropped in silence (that would show every event as if it matched).
        var problems = new List<string>();
        var filter = new HistoryQuery();
        if (Given(query, "chat") is { } chatText)
        {
            filter = ChatId.TryParse(chatText, out var chat) ? filter with { Chat = chat } : Add(problems, filter, "the chat is not a JID or phone number");
        }

        if (Given(query, "type") is { } typeText)
        {
            filter = PolicyEventTypes.TryParse(typeText, out var type) ? filter with { Types = new HashSet<PolicyEventType> { type } } : Add(problems, filter, "the event type is not one the audit writes (such as draft_approved)");
        }

        if (Given(query, "since") is { } sinceText)
        {
            filter = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since) ? filter with { Since = since } : Add(problems, filter, "the time is not ISO 8601 (such as 2026-12-07T09:00Z)");
        }

        if (Given(query, "after") is { } afterText)
        {
            filter = long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? filter with { AfterSequence = after } : Add(problems, filter, "the page position is not a number");
        }

        var body = new StringBuilder();
        if (problems.Count > 0)
        {
            body.Append("<p class=\"result denied\">").Text("Not shown: " + string.Join("; ", problems) + ".").Append("</p>");
        }

        body.Append("<form method=\"get\" action=\"").Text(prefix + "/audit").Append("\">")
            .Append("<input name=\"chat\" placeholder=\"chat JID\" value=\"").Text(query["chat"]).Append("\"> ")
            .Append("<input name=\"type\" placeholder=\"event type\" value=\"").Text(query["type"]).Append("\"> ")
            .Append("<input name=\"since\" placeholder=\"since (ISO 8601)\" value=\"").Text(query["since"]).Append("\"> <button type=\"submit\">Filter</button></form>")
            .Append("<table><tr><th>#</th><th>When</th><th>Event</th><th>Chat</th><th>Actor</th><th>Reason</th><th>Text</th></tr>");
        if (problems.Count > 0)
        {
            return Results.Content(Html.Page(prefix, "Audit timeline", body.Append("</table>")), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var shown = 0;
        var last = 0L;
        await foreach (var e in policy.ReadHistoryAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            if (!e.IsAudited)
            {
                continue;
            }

            if (shown == options.PageSize)
            {
                body.Append("</table><p><a href=\"").Text(AuditLink(query, last)).Append("\">Older events after #").Text(last.ToString(CultureInfo.InvariantCulture)).Append("</a></p>");
                return Results.Content(Html.Page(prefix, "Audit timeline", body), "text/html; charset=utf-8");
            }

            var seq = e.Sequence.ToString(CultureInfo.InvariantCulture);
            body.Append("<tr id=\"e").Text(seq).Append("\"><td><a href=\"").Text(AuditLink(query, e.Sequence - 1)).Append("#e").Text(seq).Append("\">").Text(seq)
                .Append("</a></td><td>").Text(Time(e.Timestamp)).Append("</td><td>").Text(e.Type.ToCode()).Append("</td><td>").Text(e.Chat.IsEmpty ? "-" : e.Chat.ToString())
                .Append("</td><td>").Text(e.Actor ?? "-").Append("</td><td>").Text(e.Reason == ReasonCode.None ? "-" : e.Reason.ToCode())
                .Append("</td><td><pre class=\"text\">").Text(e.Text ?? e.Detail).Append("</pre></td></tr>");
            shown++;
            last = e.Sequence;
        }

        return Results.Content(Html.Page(prefix, "Audit timeline", body.Append("</table>")), "text/html; charset=utf-8");
    }

    public async Task<IResult> Status(HttpContext http, CancellationToken cancellationToken)
    {
        var policy = Policy(http);
        var health = await policy.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var transport = http.RequestServices.GetService<TransportStatus>();
        var o = policy.Options;
        var body = new StringBuilder("<table>")
            .Append("<tr><th>Enabled</th><td>").Text(o.Enabled ? "yes" : "no (everything is blocked)").Append("</td></tr>")
            .Append("<tr><th>Outbound</th><td>").Text(o.Outbound.ToString().ToLowerInvariant()).Append("</td></tr>")
            .Append("<tr><th>Policy and store</th><td>").Text(health.Status.ToString().ToLowerInvariant() + ": " + health.Description).Append("</td></tr>")
            .Append("<tr><th>Transport</th><td>").Text(transport is null ? "not registered" : transport.State.ToString().ToLowerInvariant() + (transport.Detail is null ? string.Empty : ": " + transport.Detail))
            .Append("</td></tr><tr><th>Pending drafts</th><td>").Text(policy.GetPendingDrafts().Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        string? loaded = null;
        await foreach (var e in policy.ReadHistoryAsync(new HistoryQuery { Types = new HashSet<PolicyEventType> { PolicyEventType.PolicyLoaded } }, cancellationToken).ConfigureAwait(false))
        {
            loaded = e.Detail ?? e.Text;
        }

        body.Append("<tr><th>Configuration in force (policy_loaded)</th><td><pre class=\"text\">").Text(loaded ?? "-").Append("</pre></td></tr></table>");
        return Results.Content(Html.Page(prefix, "Status", body), "text/html; charset=utf-8");
    }

    /// <summary>The chat's use of the agent's limits, a line each, with when each frees up.</summary>
    private static StringBuilder Limits(StringBuilder html, ChatLimitUsage usage)
    {
        html.Append("<span class=\"limit\">this hour: ").Text(usage.SentThisHour is { } hour ? Used(hour, usage.HourlyLimit) + FreesAt(usage.HourlyFreesAt) : "counted by the host's limiter")
            .Append("</span><br><span class=\"limit\">in a row: ").Text(Used(usage.InARow, usage.InARowLimit) + (usage.InARow > 0 ? ", a reply frees it" : string.Empty))
            .Append("</span><br><span class=\"limit\">today, all chats: ").Text(usage.AgentSendsToday is { } day ? Used(day, usage.DailyLimit) + FreesAt(usage.DailyFreesAt) : "no daily cap")
            .Append("</span>");
        return html;
    }

    private static string Used(int count, int limit) => string.Create(CultureInfo.InvariantCulture, $"{count} of {limit}");

    private static string FreesAt(DateTimeOffset? at) => at is { } time ? ", one frees at " + Time(time) : string.Empty;

    public static ServiceConversationPolicy Policy(HttpContext http) => http.RequestServices.GetRequiredService<ServiceConversationPolicy>();

    private static string? Given(IQueryCollection query, string key) => query[key] is { Count: > 0 } value && !string.IsNullOrEmpty(value[0]) ? value[0] : null;

    private static HistoryQuery Add(List<string> problems, HistoryQuery filter, string problem)
    {
        problems.Add(problem);
        return filter;
    }

    private static AntiforgeryTokenSet Tokens(HttpContext http) => http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);

    private static string ChatLabel(ServiceConversationPolicy policy, ChatId chat)
        => policy.GetChatName(chat) is { Length: > 0 } name ? $"{name} ({chat})" : chat.ToString();

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private string AuditLink(IQueryCollection query, long after)
    {
        var link = new StringBuilder(prefix).Append("/audit?after=").Append(after.ToString(CultureInfo.InvariantCulture));
        foreach (var key in new[] { "chat", "type", "since" })
        {
            if (query[key] is { Count: > 0 } value && !string.IsNullOrEmpty(value[0]))
            {
                link.Append('&').Append(key).Append('=').Append(Uri.EscapeDataString(value[0]!));
            }
        }

        return link.ToString();
    }
}
