using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.OwnerConsole.Pages;
using Hermes.ServicePolicy.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.ServicePolicy.OwnerConsole.Actions;

/// <summary>
/// The console's changes, each one call of the operator API the owner's <c>/service</c> commands use (audited the same
/// way), with the authenticated user's name as the actor: the policy refuses an empty, reserved or control-character
/// name (<c>invalid_actor</c>). An approval is bound to the exact text the owner saw, and its permit goes out through
/// the host's <see cref="GatedSender"/>.
/// </summary>
internal sealed class ConsoleActions(string prefix)
{
    public async Task<IResult> ApproveAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var policy = ConsolePages.Policy(http);
        var id = form["draft"].ToString();
        DraftInfo? draft = null;
        foreach (var pending in policy.GetPendingDrafts())
        {
            if (pending.Id.ToString() == id)
            {
                draft = pending;
            }
        }

        if (draft is null)
        {
            return Result("Not approved", "That draft is no longer pending (approved, rejected or expired meanwhile).", StatusCodes.Status409Conflict);
        }

        if (!string.Equals(Html.Digest(draft.Text), form["digest"].ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return Result("Not approved", "The draft's text is not the text you saw: nothing was approved. Read it again.", StatusCodes.Status409Conflict);
        }

        // Without a transport a permit could only wait to be closed unknown: refuse before approving.
        if (http.RequestServices.GetService<GatedSender>() is not { } sender)
        {
            return Result("Not approved", "No transport is registered (GatedSender), so an approved draft could not be sent.", StatusCodes.Status503ServiceUnavailable);
        }

        var decision = await policy.ApproveDraftAsync(draft.Id, Actor(http), cancellationToken).ConfigureAwait(false);
        if (!decision.IsPermitted)
        {
            return Result("Not approved", decision.Explain(), decision.Reason == ReasonCode.InvalidActor ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict);
        }

        var sent = await sender.TransportAsync(decision, cancellationToken).ConfigureAwait(false);
        var outcome = sent.Report?.Outcome.ToCode() ?? "not sent";
        return Result("Approved", $"Approved and handed to the transport: {outcome}." + (sent.Report?.Error is { } error ? " " + error : string.Empty), StatusCodes.Status200OK);
    }

    public async Task<IResult> RejectAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var result = await ConsolePages.Policy(http).RejectDraftAsync(new DraftId(form["draft"].ToString()), Actor(http), cancellationToken).ConfigureAwait(false);
        return Operator("Rejected", result);
    }

    public async Task<IResult> ChatActionAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        if (!ChatId.TryParse(form["chat"].ToString(), out var chat))
        {
            return Result("Not changed", "That is not a chat id.", StatusCodes.Status400BadRequest);
        }

        var policy = ConsolePages.Policy(http);
        var actor = Actor(http);
        var action = form["action"].ToString();
        OperatorResult result;
        switch (action)
        {
            case "pause":
                result = await policy.PauseAsync(chat, actor, cancellationToken).ConfigureAwait(false);
                break;
            case "resume":
                result = await policy.ResumeAsync(chat, actor, cancellationToken).ConfigureAwait(false);
                break;
            case "revoke":
                result = await policy.RevokeAsync(chat, actor, cancellationToken).ConfigureAwait(false);
                break;
            case "handback":
                result = await policy.HandBackAsync(chat, actor, cancellationToken).ConfigureAwait(false);
                break;
            case "mode" when ServiceChatModes.TryParse(form["mode"].ToString(), out var mode):
                result = await policy.SetModeAsync(chat, mode, actor, cancellationToken).ConfigureAwait(false);
                break;
            default:
                return Result("Not changed", "That is not an action the console knows.", StatusCodes.Status400BadRequest);
        }

        return Operator(action == "handback" ? "Handed back" : "Done: " + action, result);
    }

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? string.Empty;

    private IResult Operator(string title, OperatorResult result)
        => result.Ok
            ? Result(title, "Done.", StatusCodes.Status200OK)
            : Result("Not changed", result.Explain(), result.Reason == ReasonCode.InvalidActor ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict);

    private IResult Result(string title, string message, int status)
    {
        var body = new StringBuilder("<p class=\"result").Append(status >= 400 ? " denied" : string.Empty).Append("\">").Text(message)
            .Append("</p><p><a href=\"").Text(prefix + "/").Append("\">Back to the drafts</a></p>");
        return Results.Content(Html.Page(prefix, title, body), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
