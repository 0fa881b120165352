using System;
using System.Collections.Generic;
using System.Globalization;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Notices;

/// <summary>What a notice tells the owner.</summary>
public enum NoticeKind
{
    /// <summary><c>draft_created</c>: a draft waits for approval (first contact or follow-up).</summary>
    DraftCreated = 1,

    /// <summary><c>draft_expired</c>: a draft expired without a decision.</summary>
    DraftExpired = 2,

    /// <summary><c>send_failed</c>: the transport said a permitted send did not go out.</summary>
    SendFailed = 3,

    /// <summary><c>send_unknown</c>: nobody can tell whether a permitted send went out.</summary>
    SendUnknown = 4,
}

/// <summary>
/// A notice for the owner's operator chats (docs/operator-commands.md). Notices are derived from the durable log, so
/// none is lost to a crash: a host keeps the <see cref="Sequence"/> of the last one it delivered and reads on from there.
/// They are never meant for a service chat.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Sequence">The log position of the event behind it (read on after it).</param>
/// <param name="Time">When it happened.</param>
/// <param name="Chat">The service chat concerned.</param>
public sealed record OperatorNotice(NoticeKind Kind, long Sequence, DateTimeOffset Time, ChatId Chat)
{
    /// <summary>Gets the draft concerned, if any.</summary>
    public DraftId Draft { get; init; }

    /// <summary>Gets the draft's short handle, if any.</summary>
    public string? Handle { get; init; }

    /// <summary>Gets the draft's full text (a new draft).</summary>
    public string? Text { get; init; }

    /// <summary>Gets when a new draft expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets whether it concerns a first contact.</summary>
    public bool FirstContact { get; init; }

    /// <summary>Gets why a host check held the message as this new draft (<c>host_held</c>); null for a draft the chat's mode made.</summary>
    public string? HoldReason { get; init; }

    /// <summary>Gets the send concerned (a failed or unknown send).</summary>
    public SendId Send { get; init; }

    /// <summary>Gets what the transport said (a failed or unknown send).</summary>
    public string? Error { get; init; }

    /// <summary>Gets the snake_case kind (<c>draft_created</c>, …).</summary>
    public string KindCode => Kind switch
    {
        NoticeKind.DraftCreated => "draft_created",
        NoticeKind.DraftExpired => "draft_expired",
        NoticeKind.SendFailed => "send_failed",
        _ => "send_unknown",
    };

    /// <summary>The notice behind an audit event, or null when the event raises none.</summary>
    public static OperatorNotice? From(PolicyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = e.Type switch
        {
            PolicyEventType.FirstContactDrafted or PolicyEventType.DraftCreated => NoticeKind.DraftCreated,
            PolicyEventType.FirstContactExpired or PolicyEventType.DraftExpired => NoticeKind.DraftExpired,
            PolicyEventType.SendFailed => NoticeKind.SendFailed,
            PolicyEventType.SendUnknown => NoticeKind.SendUnknown,
            _ => (NoticeKind)0,
        };
        if (kind == 0)
        {
            return null;
        }

        return new OperatorNotice(kind, e.Sequence, e.Timestamp, e.Chat)
        {
            Draft = e.DraftId is null ? default : new DraftId(e.DraftId),
            Handle = e.Handle,
            Text = kind == NoticeKind.DraftCreated ? e.Text : null,
            ExpiresAt = kind == NoticeKind.DraftCreated ? e.ExpiresAt : null,
            HoldReason = kind == NoticeKind.DraftCreated ? e.Detail : null,
            FirstContact = e.Type is PolicyEventType.FirstContactDrafted or PolicyEventType.FirstContactExpired || e.FirstContact,
            Send = e.Send,
            Error = e.Error,
        };
    }

    /// <summary>
    /// The notice as WhatsApp messages for the owner: plain text, at most 4,000 characters each (a long draft is split),
    /// untrusted text (the draft, names, errors) quoted line by line with <c>&gt; </c>, and command hints written as
    /// <c>Reply: /service approve K7QM</c>, so no line starts with a command.
    /// </summary>
    /// <param name="operatorCommand">The configured <c>operator_command</c>.</param>
    /// <param name="chatName">The chat's display name, if known (sanitised by the caller).</param>
    public IReadOnlyList<string> Format(string operatorCommand = "/service", string? chatName = null)
    {
        var reply = new ReplyText();
        var who = ReplyText.Describe(Chat, chatName);
        var what = FirstContact ? "first contact" : "message";
        switch (Kind)
        {
            case NoticeKind.DraftCreated:
                reply.Line($"New draft {Handle} ({what}) for {who}, expires {ReplyText.Time(ExpiresAt ?? Time)}:");
                reply.Quote(Text ?? string.Empty);
                if (HoldReason is not null)
                {
                    reply.Line("A host check held it:");
                    reply.Quote(HoldReason);
                }

                reply.Line($"Reply: {operatorCommand} approve {Handle}");
                reply.Line($"Reply: {operatorCommand} reject {Handle}");
                break;
            case NoticeKind.DraftExpired:
                reply.Line($"Draft {Handle} ({what}) for {who} expired without a decision.");
                break;
            case NoticeKind.SendFailed:
                reply.Line($"A {what} to {who} did not go out (send {Send}); nothing was sent.");
                reply.Quote(Error ?? string.Empty);
                if (Handle is not null)
                {
                    reply.Line($"Draft {Handle} waits again. Reply: {operatorCommand} approve {Handle}");
                }

                break;
            default:
                reply.Line($"It is not known whether a {what} to {who} went out (send {Send}); it counts as sent and is not retried.");
                reply.Quote(Error ?? string.Empty);
                break;
        }

        return reply.Messages();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{KindCode} {Chat} {Handle}");
}
