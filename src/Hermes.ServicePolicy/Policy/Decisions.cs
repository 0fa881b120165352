using System;
using System.Globalization;
using System.Text;
using System.Xml;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Policy;

/// <summary>What happens to an inbound message.</summary>
public enum InboundOutcome
{
    /// <summary>Blocked: the agent never sees it, and nothing is sent back.</summary>
    Blocked = 0,

    /// <summary>Delivered to the agent, into <see cref="InboundDecision.SessionId"/>.</summary>
    Delivered = 1,

    /// <summary>
    /// From one of <c>operator_chats</c>: the owner's own message, neither a service message nor blocked. Route it as the
    /// owner's (to the agent), or to the operator command processor when <see cref="InboundDecision.IsCommand"/>.
    /// </summary>
    Operator = 2,

    /// <summary>
    /// The owner typed it into a service chat on their own phone (<see cref="InboundMessage.FromOwner"/>): never a
    /// provider's reply. Audited <c>owner_message</c>; it resets no run of agent sends, promotes nothing, binds no
    /// session. Show it to the agent, if at all, as the owner's words in <see cref="InboundDecision.SessionId"/>; the
    /// agent must not answer it as if the provider had written.
    /// </summary>
    OwnerMessage = 3,

    /// <summary>
    /// The owner typed it into a chat that is not a service chat (unknown, a group, an operator chat; or the feature is
    /// off): none of the library's business. Nothing changes, nothing is audited, nothing reaches the agent.
    /// </summary>
    Ignored = 4,
}

/// <summary>What happens to an outbound message.</summary>
public enum OutboundOutcome
{
    /// <summary>Denied: do not send.</summary>
    Denied = 0,

    /// <summary>
    /// A permit: the host may send <see cref="OutboundDecision.Text"/> to <see cref="OutboundDecision.Chat"/> now, once,
    /// and reports what its transport did with <see cref="OutboundDecision.Send"/> (docs/behaviour.md#sending). Nothing
    /// has been sent yet.
    /// </summary>
    Permitted = 1,

    /// <summary>Held as a draft for the operator to approve; see <see cref="OutboundDecision.Draft"/>.</summary>
    Draft = 2,
}

/// <summary>The policy's answer for an inbound message. A value type: deciding allocates nothing.</summary>
public readonly struct InboundDecision : IPolicyResult
{
    /// <inheritdoc />
    bool IPolicyResult.IsNotFound => Reason is ReasonCode.UnknownDraft or ReasonCode.UnknownSend;

    /// <summary>Creates a decision; use <see cref="Delivered"/> and <see cref="Blocked"/>.</summary>
    internal InboundDecision(InboundOutcome outcome, ReasonCode reason, ChatId chat, string? sessionId, bool asPlainText, bool mediaStripped, Exception? error, bool isCommand = false)
    {
        _outcome = (byte)outcome;
        _reason = (ushort)reason;
        _flags = (byte)((isCommand ? IsCommandFlag : 0) | (asPlainText ? AsPlainTextFlag : 0) | (mediaStripped ? MediaStrippedFlag : 0));
        Chat = chat;
        SessionId = sessionId;
        Error = error;
    }

    // Packed: the decision is copied on every inbound message (into and out of its ValueTask), so it is kept at 48 bytes.
    private const int IsCommandFlag = 1, AsPlainTextFlag = 2, MediaStrippedFlag = 4;
    private readonly byte _outcome;
    private readonly byte _flags;
    private readonly ushort _reason;

    /// <summary>Gets the outcome.</summary>
    public InboundOutcome Outcome => (InboundOutcome)_outcome;

    /// <summary>Gets whether the message is delivered to the agent.</summary>
    public bool IsDelivered => Outcome == InboundOutcome.Delivered;

    /// <summary>Gets why it was blocked; <see cref="ReasonCode.None"/> when delivered.</summary>
    public ReasonCode Reason => (ReasonCode)_reason;

    /// <summary>Gets the canonical chat (a linked chat by its phone JID).</summary>
    public ChatId Chat { get; }

    /// <summary>Gets the session the chat is bound to, so the host routes the reply into the conversation that started the contact.</summary>
    public string? SessionId { get; }

    /// <summary>Gets whether the message comes from one of <c>operator_chats</c> (<see cref="InboundOutcome.Operator"/>).</summary>
    public bool IsOperator => Outcome == InboundOutcome.Operator;

    /// <summary>Gets whether the owner typed it into a service chat (<see cref="InboundOutcome.OwnerMessage"/>).</summary>
    public bool IsOwnerMessage => Outcome == InboundOutcome.OwnerMessage;

    /// <summary>Gets whether an operator chat's text is an operator command (it starts with <c>operator_command</c>); the decision never runs it.</summary>
    public bool IsCommand => (_flags & IsCommandFlag) != 0;

    /// <summary>Gets whether the text began with a command prefix: deliver it as plain conversation text, never as an operator command.</summary>
    public bool AsPlainText => (_flags & AsPlainTextFlag) != 0;

    /// <summary>Gets whether media must be stripped (<c>allow_media: false</c>): deliver the text only.</summary>
    public bool MediaStripped => (_flags & MediaStrippedFlag) != 0;

    /// <summary>Gets the failure behind a <see cref="ReasonCode.PolicyUnavailable"/> answer.</summary>
    public Exception? Error { get; }

    /// <summary>A message delivered to the agent into <paramref name="sessionId"/>, as plain text or with media stripped when those apply.</summary>
    public static InboundDecision Delivered(ChatId chat, string? sessionId, bool asPlainText = false, bool mediaStripped = false)
        => new(InboundOutcome.Delivered, ReasonCode.None, chat, sessionId, asPlainText, mediaStripped, null);

    /// <summary>A message from the owner's own chat, a command or not.</summary>
    public static InboundDecision FromOperator(ChatId chat, bool isCommand) => new(InboundOutcome.Operator, ReasonCode.None, chat, null, false, false, null, isCommand);

    /// <summary>A message the owner typed into a service chat, with the chat's session.</summary>
    public static InboundDecision FromOwnerInServiceChat(ChatId chat, string? sessionId) => new(InboundOutcome.OwnerMessage, ReasonCode.None, chat, sessionId, false, false, null);

    /// <summary>A message the owner typed into a chat that is not a service chat: ignored.</summary>
    public static InboundDecision Ignored(ChatId chat) => new(InboundOutcome.Ignored, ReasonCode.None, chat, null, false, false, null);

    /// <summary>A blocked message.</summary>
    public static InboundDecision Blocked(ReasonCode reason, ChatId chat, Exception? error = null) => new(InboundOutcome.Blocked, reason, chat, null, false, false, error);

    /// <summary>Explains the decision in a sentence a person can read (this allocates; call it only when asked).</summary>
    public string Explain()
    {
        if (IsOperator)
        {
            return IsCommand
                ? $"from the operator chat {Chat}: an operator command (run it with the command processor)"
                : $"from the operator chat {Chat}: the owner's own message";
        }

        if (Outcome == InboundOutcome.OwnerMessage)
        {
            return $"typed by the owner into the service chat {Chat}" + (SessionId is null ? string.Empty : $" (session {SessionId})") + ": the owner's own words, audited; never a provider's reply, not for the agent to answer";
        }

        if (Outcome == InboundOutcome.Ignored)
        {
            return $"typed by the owner into {(Chat.IsEmpty ? "a chat whose id does not parse" : Chat.ToString())}, which is not a service chat: ignored (nothing changes, nothing reaches the agent)";
        }

        if (!IsDelivered)
        {
            return Error is null
                ? $"blocked ({Reason.ToCode()}): {Reason.Describe()}"
                : $"blocked ({Reason.ToCode()}): {Reason.Describe()}: {Error.Message}";
        }

        var builder = new StringBuilder("delivered from ").Append(Chat.ToString());
        builder.Append(SessionId is null ? " (no session bound)" : $" into session {SessionId}");
        if (AsPlainText)
        {
            builder.Append("; it starts with a command prefix, so it is plain conversation text, never an operator command");
        }

        if (MediaStripped)
        {
            builder.Append("; media stripped (allow_media: false)");
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Explain();
}

/// <summary>The policy's answer for an outbound message or a draft approval. A value type: deciding allocates nothing.</summary>
public readonly struct OutboundDecision : IPolicyResult
{
    /// <inheritdoc />
    bool IPolicyResult.IsNotFound => Reason is ReasonCode.UnknownDraft or ReasonCode.UnknownSend;

    /// <summary>Creates a decision; use <see cref="Permit"/>, <see cref="Drafted"/> and <see cref="Denied"/>.</summary>
    internal OutboundDecision(OutboundOutcome outcome, ReasonCode reason, ChatId chat, DraftId draft, string? text, string? sessionId, TimeSpan? retryAfter, bool isFirstContact, Exception? error, SendId send = default)
    {
        Send = send;
        Outcome = outcome;
        Reason = reason;
        Chat = chat;
        Draft = draft;
        Text = text;
        SessionId = sessionId;
        RetryAfter = retryAfter;
        IsFirstContact = isFirstContact;
        Error = error;
    }

    /// <summary>Gets the outcome.</summary>
    public OutboundOutcome Outcome { get; }

    /// <summary>Gets why it was denied; <see cref="ReasonCode.None"/> otherwise.</summary>
    public ReasonCode Reason { get; }

    /// <summary>Gets the canonical chat.</summary>
    public ChatId Chat { get; }

    /// <summary>Gets the draft that holds the message (<see cref="OutboundOutcome.Draft"/>), or the draft that was approved.</summary>
    public DraftId Draft { get; }

    /// <summary>Gets the send id of a permit: report the transport's outcome with it (<see cref="IServiceConversationGate.ConfirmSendAsync(OutboundDecision, SendReport, System.Threading.CancellationToken)"/>).</summary>
    public SendId Send { get; }

    /// <summary>Gets the exact text to send when <see cref="Outcome"/> is <see cref="OutboundOutcome.Permitted"/> (for an approval, the drafted text).</summary>
    public string? Text { get; }

    /// <summary>Gets the session the message belongs to.</summary>
    public string? SessionId { get; }

    /// <summary>Gets how long to wait before a retry can succeed, for limits that time frees.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets whether this is the first contact with the chat.</summary>
    public bool IsFirstContact { get; }

    /// <summary>Gets the failure behind a <see cref="ReasonCode.PolicyUnavailable"/> answer.</summary>
    public Exception? Error { get; }

    /// <summary>Gets whether the host may send the message now (once), and must then report the outcome.</summary>
    public bool IsPermitted => Outcome == OutboundOutcome.Permitted;

    /// <summary>
    /// Gets when a permit may be used, for an agent's send with <c>send_jitter_seconds</c>: the host waits until then
    /// before it sends (the confirmation deadline counts from it). Null: send now.
    /// </summary>
    public DateTimeOffset? NotBefore { get; private init; }

    /// <summary>A permit to send <paramref name="text"/> to <paramref name="chat"/> (at <paramref name="notBefore"/> or later), once. Only the policy issues permits.</summary>
    internal static OutboundDecision Permit(ChatId chat, SendId send, string text, string? sessionId, bool isFirstContact = false, DraftId draft = default, DateTimeOffset? notBefore = null)
        => new(OutboundOutcome.Permitted, ReasonCode.None, chat, draft, text, sessionId, null, isFirstContact, null, send) { NotBefore = notBefore };

    /// <summary>A message held as <paramref name="draft"/> for an operator's approval.</summary>
    public static OutboundDecision Drafted(ChatId chat, DraftId draft, string? sessionId, bool isFirstContact, string? handle = null)
        => new(OutboundOutcome.Draft, ReasonCode.None, chat, draft, null, sessionId, null, isFirstContact, null) { Handle = handle };

    /// <summary>Gets the draft's short handle (<c>K7QM</c>) an owner types to approve or reject it.</summary>
    public string? Handle { get; private init; }

    /// <summary>
    /// Gets the reason a host check gave (docs/behaviour.md#host-checks): why it denied the send
    /// (<see cref="ReasonCode.HostDenied"/>) or held it as this draft. Null when no host check refused or held it.
    /// </summary>
    public string? HostReason { get; private init; }

    /// <summary>The same decision, carrying a host check's reason.</summary>
    internal OutboundDecision WithHostReason(string? reason) => this with { HostReason = reason };

    /// <summary>A denial.</summary>
    public static OutboundDecision Denied(ReasonCode reason, ChatId chat, TimeSpan? retryAfter = null, Exception? error = null, DraftId draft = default)
        => new(OutboundOutcome.Denied, reason, chat, draft, null, null, retryAfter, false, error);

    /// <summary>Explains the decision in a sentence a person can read (this allocates; call it only when asked).</summary>
    public string Explain() => Outcome switch
    {
        OutboundOutcome.Permitted => (IsFirstContact ? $"permitted: send the first contact with {Chat}" : $"permitted: send to {Chat}")
            + (NotBefore is { } notBefore ? $" at {notBefore.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} or later" : " now")
            + $", then report the outcome of send {Send}",
        OutboundOutcome.Draft when HostReason is not null => $"held as {(IsFirstContact ? "first-contact " : string.Empty)}draft {Draft} for {Chat} by a host check ({HostReason}): an operator must approve it",
        OutboundOutcome.Draft => IsFirstContact
            ? $"held as first-contact draft {Draft} for {Chat}: an operator must approve it"
            : $"held as draft {Draft} for {Chat}: the chat's mode needs an operator's approval",
        _ => $"denied ({Reason.ToCode()}): {Reason.Describe()}"
            + (HostReason is null ? string.Empty : $" ({HostReason})")
            + (RetryAfter is { } retry ? $"; retry after {XmlConvert.ToString(retry)}" : string.Empty)
            + (Error is null ? string.Empty : $": {Error.Message}"),
    };

    /// <inheritdoc />
    public override string ToString() => Explain();
}

/// <summary>The answer to an operator action (approve chat, set mode, pause, resume, revoke, alias, reject draft).</summary>
public readonly struct OperatorResult : IPolicyResult
{
    /// <inheritdoc />
    bool IPolicyResult.IsNotFound => Reason is ReasonCode.UnknownDraft or ReasonCode.UnknownSend;

    /// <summary>Creates a result; use <see cref="Success"/> and <see cref="Failed"/>.</summary>
    internal OperatorResult(ReasonCode reason, Exception? error)
    {
        Reason = reason;
        Error = error;
    }

    /// <summary>A success.</summary>
    public static OperatorResult Success => default;

    /// <summary>Gets whether the action succeeded (or was already in effect).</summary>
    public bool Ok => Reason == ReasonCode.None;

    /// <summary>Gets why it failed.</summary>
    public ReasonCode Reason { get; }

    /// <summary>Gets the failure behind a <see cref="ReasonCode.PolicyUnavailable"/> answer.</summary>
    public Exception? Error { get; }

    /// <summary>A failure.</summary>
    public static OperatorResult Failed(ReasonCode reason, Exception? error = null) => new(reason, error);

    /// <summary>Explains the result in a sentence a person can read.</summary>
    public string Explain() => Ok ? "ok" : $"failed ({Reason.ToCode()}): {Reason.Describe()}" + (Error is null ? string.Empty : $": {Error.Message}");

    /// <inheritdoc />
    public override string ToString() => Explain();
}

/// <summary>The outcome of applying a configuration.</summary>
public sealed class ConfigurationResult : IPolicyResult
{
    /// <inheritdoc />
    bool IPolicyResult.IsNotFound => false;

    /// <summary>Creates a result.</summary>
    public ConfigurationResult(bool accepted, System.Collections.Generic.IReadOnlyList<Configuration.ConfigurationError> errors, Exception? error)
    {
        Accepted = accepted;
        Errors = errors;
        Error = error;
    }

    /// <summary>Gets whether the configuration is now in force.</summary>
    public bool Accepted { get; }

    /// <summary>Gets why it was refused (each error names the key and the value).</summary>
    public System.Collections.Generic.IReadOnlyList<Configuration.ConfigurationError> Errors { get; }

    /// <summary>Gets the store failure that kept a valid configuration from being recorded, if any.</summary>
    public Exception? Error { get; }

    /// <summary>Describes the result, one error per line.</summary>
    public string Describe() => Accepted ? "accepted" : Error is not null ? $"not recorded: {Error.Message}" : string.Join(Environment.NewLine, Errors);
}
