using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Notices;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Commands;

/// <summary>The commands that read: <c>status</c>, <c>chats</c>, <c>drafts</c>.</summary>
public sealed partial class OperatorCommandProcessor
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private async ValueTask<OperatorCommandResult> StatusAsync(ChatId operatorChat, CommandLine line, CancellationToken cancellationToken)
    {
        if (line.Rest.Length > 0)
        {
            var (chat, reason, why) = await TargetAsync(operatorChat, line.Rest, cancellationToken).ConfigureAwait(false);
            if (reason != ReasonCode.None)
            {
                return reason == ReasonCode.InvalidCommand ? Invalid() : Refused("status", reason, why);
            }

            var status = _policy.GetStatus(chat);
            var waiting = 0;
            foreach (var draft in _policy.GetPendingDrafts())
            {
                waiting += draft.Chat == status.Chat ? 1 : 0;
            }

            var reply = new ReplyText();
            reply.Line($"{Name(status.Chat)}: {status.Status.ToCode()}{(status.SessionId is null ? string.Empty : ", session " + status.SessionId)}{(status.Alias.IsEmpty ? string.Empty : ", also " + status.Alias)}.");
            reply.Line($"Drafts waiting for it: {waiting}.");
            if (status.OwnerActiveUntil is { } held)
            {
                reply.Line($"You are writing there yourself: the agent waits until {ReplyText.Time(held)} ({_policy.Configuration.Options.OperatorCommand} handback to hand it back now).");
            }

            return Reply("status", ReasonCode.None, reply.Single());
        }

        var options = _policy.Configuration.Options;
        var now = _policy.Time.GetUtcNow();
        var (used, nextFree) = await NewChatsInLastDayAsync(now, cancellationToken).ConfigureAwait(false);
        var (paused, revoked) = _policy.CountPausedAndRevoked();
        var summary = new ReplyText();
        summary.Line($"Service conversations are {(options.Enabled ? "on" : "off")}; new chats start as {options.DefaultMode.ToCode()}.");
        summary.Line(used < options.MaxNewServiceChatsPerDay || nextFree is null
            ? $"New chats in the last 24 hours: {used} of {options.MaxNewServiceChatsPerDay}."
            : $"New chats in the last 24 hours: {used} of {options.MaxNewServiceChatsPerDay}; the next one frees at {ReplyText.Time(nextFree.Value)}.");
        summary.Line($"Drafts waiting: {_policy.GetPendingDrafts().Count}. Sends awaiting a report: {_policy.GetPendingSends().Count}. Paused chats: {paused}. Revoked chats: {revoked}.");
        return Reply("status", ReasonCode.None, summary.Single());
    }

    // First contacts that took a daily slot in the last 24 hours (a failed one gave it back), read from the audit trail.
    private async ValueTask<(int Used, DateTimeOffset? NextFree)> NewChatsInLastDayAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var slots = new Dictionary<SendId, DateTimeOffset>();
        var query = new HistoryQuery { Since = now - Day, Types = new HashSet<PolicyEventType> { PolicyEventType.FirstContactApproved, PolicyEventType.SendFailed } };
        await foreach (var e in _policy.ReadHistoryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (e.Type == PolicyEventType.FirstContactApproved && e.Count > 0 && !e.Send.IsEmpty)
            {
                slots[e.Send] = e.Timestamp;
            }
            else if (e.Type == PolicyEventType.SendFailed)
            {
                slots.Remove(e.Send);
            }
        }

        DateTimeOffset? oldest = null;
        foreach (var taken in slots.Values)
        {
            oldest = oldest is null || taken < oldest ? taken : oldest;
        }

        return (slots.Count, oldest + Day);
    }

    private async ValueTask<OperatorCommandResult> ChatsAsync(ChatId operatorChat, CommandLine line, CancellationToken cancellationToken)
    {
        var (groups, before) = line.LastKeyword(static w => string.Equals(w, "groups", StringComparison.OrdinalIgnoreCase));
        var limit = ChatDirectory.DefaultLimit;
        if (before.Length > 0 && !int.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            return Invalid();
        }

        var listing = await _policy.Directory.ListAsync(limit, groups is not null, cancellationToken).ConfigureAwait(false);
        var reply = new ReplyText();
        var shown = new List<ChatId>();
        foreach (var chat in listing)
        {
            shown.Add(chat.Chat);
            reply.Line($"#{shown.Count} {ReplyText.Describe(chat.Chat, chat.Name)}: {chat.Status.ToCode()}");
        }

        if (shown.Count == 0)
        {
            reply.Line("No recent chats.");
        }

        var text = reply.Single(cutAt => listing.Count - cutAt);
        var visible = Math.Min(shown.Count, text.Split('\n').Length - (text.Contains("… and ", StringComparison.Ordinal) ? 1 : 0));
        _listings[operatorChat] = new Listing(_policy.Time.GetUtcNow(), shown.GetRange(0, visible)); // only the lines actually shown
        return Reply("chats", ReasonCode.None, text);
    }

    private async ValueTask<OperatorCommandResult> DraftsAsync(CancellationToken cancellationToken)
    {
        await _policy.SweepAsync(cancellationToken).ConfigureAwait(false); // a read applies expiry (audited once)
        var drafts = _policy.GetPendingDrafts();
        var now = _policy.Time.GetUtcNow();
        var command = _policy.Configuration.Options.OperatorCommand;
        var reply = new ReplyText();
        var firstLineOf = new List<int>();
        foreach (var draft in drafts)
        {
            firstLineOf.Add(reply.Count);
            var age = (int)Math.Max(0, (now - draft.CreatedAt).TotalMinutes);
            reply.Line($"Draft {draft.Handle} ({(draft.IsFirstContact ? "first contact" : "message")}) for {Name(draft.Chat)}, {age} min old, expires {ReplyText.Time(draft.ExpiresAt)}:");
            reply.Quote(draft.Text);
            reply.Line($"Reply: {command} approve {draft.Handle}");
        }

        if (drafts.Count == 0)
        {
            reply.Line("No drafts are waiting.");
        }

        return Reply("drafts", ReasonCode.None, reply.Single(cutAt => drafts.Count - firstLineOf.FindLastIndex(l => l < cutAt)));
    }
}
