using System;
using System.Collections.Concurrent;
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

/// <summary>
/// Runs the owner's commands from their own WhatsApp chat (docs/operator-commands.md): the host hands it the text of a
/// message from one of <c>operator_chats</c> and gets back whether it was a command, the reply for the owner and the
/// sends it caused. Outside <c>operator_chats</c> nothing is a command. The actor of every change is the operator
/// chat's canonical id. Transport-independent; one processor per policy (it remembers each operator chat's last
/// <c>chats</c> listing for <c>#N</c>, 15 minutes, in this process).
/// </summary>
public sealed partial class OperatorCommandProcessor
{
    /// <summary>How long the lines of a <c>chats</c> reply can be named as <c>#N</c>.</summary>
    public static readonly TimeSpan ListingValidity = TimeSpan.FromMinutes(15);

    private readonly ServiceConversationPolicy _policy;
    private readonly ConcurrentDictionary<ChatId, Listing> _listings = new();

    /// <summary>Creates the processor over <paramref name="policy"/>.</summary>
    public OperatorCommandProcessor(ServiceConversationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
    }

    /// <summary>Runs <paramref name="text"/> if it is an operator command from an operator chat.</summary>
    /// <param name="fromChat">The chat the message came from (any alias of an operator chat).</param>
    /// <param name="text">The message text.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async ValueTask<OperatorCommandResult> ExecuteAsync(ChatId fromChat, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var configuration = _policy.Configuration;
        var arguments = configuration.OperatorCommand.Arguments(text);
        var operatorChat = OperatorChatOf(fromChat);
        if (operatorChat.IsEmpty)
        {
            return new OperatorCommandResult(arguments is not null, arguments is null ? string.Empty : "help", ReasonCode.InvalidActor, string.Empty, []);
        }

        if (arguments is null)
        {
            return new OperatorCommandResult(false, string.Empty, ReasonCode.None, string.Empty, []);
        }

        var line = CommandLine.Parse(arguments);
        var actor = operatorChat.ToString();
        return line.SubCommand switch
        {
            "" or "help" => Reply("help", ReasonCode.None, HelpText()),
            "status" => await StatusAsync(operatorChat, line, cancellationToken).ConfigureAwait(false),
            "chats" => await ChatsAsync(operatorChat, line, cancellationToken).ConfigureAwait(false),
            "drafts" => await DraftsAsync(cancellationToken).ConfigureAwait(false),
            "approve" => await ApproveAsync(line, actor, cancellationToken).ConfigureAwait(false),
            "reject" => await RejectAsync(line, actor, cancellationToken).ConfigureAwait(false),
            "allow" => await AllowAsync(operatorChat, line, actor, cancellationToken).ConfigureAwait(false),
            "mode" => await ModeAsync(operatorChat, line, actor, cancellationToken).ConfigureAwait(false),
            "pause" or "resume" or "revoke" or "handback" => await ChatActionAsync(operatorChat, line, actor, cancellationToken).ConfigureAwait(false),
            "link" => await LinkAsync(line, actor, cancellationToken).ConfigureAwait(false),
            _ => Invalid(),
        };
    }

    /// <summary>The help text: every command, one line each (no line starts with a command, so it can be forwarded safely).</summary>
    public string HelpText()
    {
        var c = _policy.Configuration.Options.OperatorCommand;
        var reply = new ReplyText();
        reply.Line("Service conversation commands (CHAT: a number such as +34 600 123 456, a JID, a name, or #N from the last list):");
        reply.Line($"status: {c} status [CHAT] – the feature, new chats today, what waits; or one chat");
        reply.Line($"chats: {c} chats [N] [groups] – recent chats, numbered");
        reply.Line($"drafts: {c} drafts – drafts waiting for approval, with their handles");
        reply.Line($"approve / reject: {c} approve K7QM – sends exactly the drafted text once; {c} reject K7QM");
        reply.Line($"allow: {c} allow CHAT [draft_first|draft_only|autonomous] – make it a service chat");
        reply.Line($"mode: {c} mode CHAT draft_first|draft_only|autonomous");
        reply.Line($"pause, resume, revoke: {c} pause CHAT (and resume, revoke)");
        reply.Line($"handback: {c} handback CHAT – you are done typing there: the agent may answer again");
        reply.Line($"link: {c} link PHONE LID – one chat under both ids (the LID written with @lid)");
        return reply.Single();
    }

    private ChatId OperatorChatOf(ChatId chat)
    {
        var configuration = _policy.Configuration;
        var primary = _policy.GetPrimary(chat);
        var alias = _policy.GetStatus(primary).Alias;
        return configuration.IsOperator(chat, default) ? chat
            : configuration.IsOperator(primary, default) ? primary
            : !alias.IsEmpty && configuration.IsOperator(alias, default) ? alias
            : default;
    }

    private async ValueTask<(ChatId Chat, ReasonCode Reason, string Why)> TargetAsync(ChatId operatorChat, string written, CancellationToken cancellationToken)
    {
        var target = CommandLine.Target(written);
        if (target.Length == 0)
        {
            return (default, ReasonCode.InvalidCommand, "a chat is needed");
        }

        if (target[0] == '#' && int.TryParse(target.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var now = _policy.Time.GetUtcNow();
            return _listings.TryGetValue(operatorChat, out var listing) && now < listing.ShownAt + ListingValidity && n >= 1 && n <= listing.Chats.Count
                ? (listing.Chats[n - 1], ReasonCode.None, string.Empty)
                : (default, ReasonCode.InvalidTarget, $"#{n} is not on a chats list shown in the last 15 minutes: list them again");
        }

        var resolution = await _policy.Resolver.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        return resolution.IsResolved ? (resolution.Chat, ReasonCode.None, string.Empty) : (default, resolution.Reason, resolution.Explain());
    }

    private async ValueTask<OperatorCommandResult> ApproveAsync(CommandLine line, string actor, CancellationToken cancellationToken)
    {
        if (line.WordCount != 1)
        {
            return Invalid();
        }

        var draft = _policy.FindDraft(line.Rest);
        if (draft.IsEmpty)
        {
            return Refused("approve", ReasonCode.UnknownDraft, null);
        }

        var decision = await _policy.ApproveDraftAsync(draft, actor, cancellationToken).ConfigureAwait(false);
        if (!decision.IsPermitted)
        {
            return Refused("approve", decision.Reason, decision.Error?.Message);
        }

        var reply = $"Approved {line.Rest.ToUpperInvariant()}: the message goes to {ReplyText.Describe(decision.Chat, _policy.GetChatName(decision.Chat))} now (send {decision.Send}).";
        return new OperatorCommandResult(true, "approve", ReasonCode.None, reply, [decision]);
    }

    private async ValueTask<OperatorCommandResult> RejectAsync(CommandLine line, string actor, CancellationToken cancellationToken)
    {
        if (line.WordCount != 1)
        {
            return Invalid();
        }

        var draft = _policy.FindDraft(line.Rest);
        var result = draft.IsEmpty ? OperatorResult.Failed(ReasonCode.UnknownDraft) : await _policy.RejectDraftAsync(draft, actor, cancellationToken).ConfigureAwait(false);
        return result.Ok ? Reply("reject", ReasonCode.None, $"Rejected {line.Rest.ToUpperInvariant()}: nothing will be sent.") : Refused("reject", result.Reason, result.Error?.Message);
    }

    private async ValueTask<OperatorCommandResult> AllowAsync(ChatId operatorChat, CommandLine line, string actor, CancellationToken cancellationToken)
    {
        var (keyword, before) = line.LastKeyword(static w => ServiceChatModes.TryParse(w, out _));
        ServiceChatMode? mode = keyword is not null && ServiceChatModes.TryParse(keyword, out var parsed) ? parsed : null;
        var (chat, reason, why) = await TargetAsync(operatorChat, before, cancellationToken).ConfigureAwait(false);
        if (reason != ReasonCode.None)
        {
            return reason == ReasonCode.InvalidCommand ? Invalid() : Refused("allow", reason, why);
        }

        var result = await _policy.ApproveChatAsync(chat, actor, mode, cancellationToken).ConfigureAwait(false);
        return result.Ok
            ? Reply("allow", ReasonCode.None, $"{Name(chat)} is a service chat ({_policy.GetStatus(chat).Status.ToCode()}).")
            : Refused("allow", result.Reason, result.Error?.Message);
    }

    private async ValueTask<OperatorCommandResult> ModeAsync(ChatId operatorChat, CommandLine line, string actor, CancellationToken cancellationToken)
    {
        var (keyword, before) = line.LastKeyword(static w => ServiceChatModes.TryParse(w, out _));
        if (keyword is null || !ServiceChatModes.TryParse(keyword, out var mode))
        {
            return Invalid();
        }

        var (chat, reason, why) = await TargetAsync(operatorChat, before, cancellationToken).ConfigureAwait(false);
        if (reason != ReasonCode.None)
        {
            return reason == ReasonCode.InvalidCommand ? Invalid() : Refused("mode", reason, why);
        }

        var result = await _policy.SetModeAsync(chat, mode, actor, cancellationToken).ConfigureAwait(false);
        return result.Ok ? Reply("mode", ReasonCode.None, $"{Name(chat)} is now {mode.ToCode()}.") : Refused("mode", result.Reason, result.Error?.Message);
    }

    private async ValueTask<OperatorCommandResult> ChatActionAsync(ChatId operatorChat, CommandLine line, string actor, CancellationToken cancellationToken)
    {
        var (chat, reason, why) = await TargetAsync(operatorChat, line.Rest, cancellationToken).ConfigureAwait(false);
        if (reason != ReasonCode.None)
        {
            return reason == ReasonCode.InvalidCommand ? Invalid() : Refused(line.SubCommand, reason, why);
        }

        var result = line.SubCommand switch
        {
            "pause" => await _policy.PauseAsync(chat, actor, cancellationToken).ConfigureAwait(false),
            "resume" => await _policy.ResumeAsync(chat, actor, cancellationToken).ConfigureAwait(false),
            "handback" => await _policy.HandBackAsync(chat, actor, cancellationToken).ConfigureAwait(false),
            _ => await _policy.RevokeAsync(chat, actor, cancellationToken).ConfigureAwait(false),
        };
        var done = line.SubCommand switch
        {
            "pause" => "paused: replies still arrive, nothing goes out",
            "resume" => $"resumed ({_policy.GetStatus(chat).Status.ToCode()})",
            "handback" => "handed back: the agent may answer again",
            _ => "revoked: blocked both ways, its drafts cancelled",
        };
        return result.Ok ? Reply(line.SubCommand, ReasonCode.None, $"{Name(chat)} {done}.") : Refused(line.SubCommand, result.Reason, result.Error?.Message);
    }

    private async ValueTask<OperatorCommandResult> LinkAsync(CommandLine line, string actor, CancellationToken cancellationToken)
    {
        var (lidText, before) = line.LastKeyword(static w => w.EndsWith("@lid", StringComparison.OrdinalIgnoreCase));
        if (lidText is null || !ChatId.TryParse(lidText, out var lid) || before.Length == 0)
        {
            return Invalid();
        }

        var phone = await _policy.Resolver.ResolveAsync(CommandLine.Target(before), cancellationToken).ConfigureAwait(false);
        if (!phone.IsResolved)
        {
            return Refused("link", phone.Reason, phone.Explain());
        }

        var result = await _policy.LinkAliasAsync(phone.Chat, lid, actor, cancellationToken).ConfigureAwait(false);
        return result.Ok ? Reply("link", ReasonCode.None, $"{Name(phone.Chat)} and {lid} are one chat.") : Refused("link", result.Reason, result.Error?.Message);
    }

    private string Name(ChatId chat) => ReplyText.Describe(chat, _policy.GetChatName(chat));

    private OperatorCommandResult Invalid() => new(true, "help", ReasonCode.InvalidCommand, HelpText(), []);

    private static OperatorCommandResult Reply(string command, ReasonCode reason, string reply) => new(true, command, reason, reply, []);

    private static OperatorCommandResult Refused(string command, ReasonCode reason, string? detail)
    {
        var reply = new ReplyText();
        reply.Line($"Not done ({reason.ToCode()}): {reason.Describe()}.");
        if (!string.IsNullOrEmpty(detail))
        {
            reply.Quote(detail);
        }

        return new OperatorCommandResult(true, command, reason, reply.Single(), []);
    }

    private sealed record Listing(DateTimeOffset ShownAt, IReadOnlyList<ChatId> Chats);
}
