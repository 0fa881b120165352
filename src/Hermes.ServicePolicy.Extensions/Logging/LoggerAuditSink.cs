using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Logging;

namespace Hermes.ServicePolicy.Extensions.Logging;

/// <summary>
/// An <see cref="IAuditSink"/> that writes each audit event to <see cref="ILogger"/>, one <c>[LoggerMessage]</c> per
/// event type with a stable event id (<c>1000 + </c> the <see cref="PolicyEventType"/> value) and the snake_case type as
/// event name. Phone numbers are masked (<see cref="ChatMasking"/>) and message bodies are never logged.
/// <c>policy_rejected</c> and <c>outbound_denied</c> log at Warning, every other event at Information.
/// </summary>
public sealed partial class LoggerAuditSink : IAuditSink
{
    private readonly ILogger _logger;

    /// <summary>Creates the sink over <paramref name="logger"/> (category <c>Hermes.ServicePolicy.Audit</c> when built by DI).</summary>
    public LoggerAuditSink(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(PolicyEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Log(_logger, auditEvent);
        return ValueTask.CompletedTask;
    }

    private static void Log(ILogger logger, PolicyEvent e)
    {
        var chat = ChatMasking.Mask(e.Chat);
        var reason = e.Reason == ReasonCode.None ? "-" : e.Reason.ToCode();
        var ids = (e.DraftId, e.SessionId) switch // only the ids the event has: no "draft=(null)" noise
        {
            (null, null) => string.Empty,
            ({ } draft, null) => $" draft={draft}",
            (null, { } session) => $" session={session}",
            ({ } draft, { } session) => $" draft={draft} session={session}",
        };
        var detail = e.Type switch
        {
            PolicyEventType.ModeChanged or PolicyEventType.ChatPromoted => $"from={e.FromMode?.ToCode()} to={e.ToMode?.ToCode()}",
            PolicyEventType.ChatApproved or PolicyEventType.FirstContactSent => $"mode={e.ToMode?.ToCode()}",
            PolicyEventType.InboundBlocked => $"count={e.Count}",
            PolicyEventType.AliasLinked => $"alias={ChatMasking.Mask(e.Alias)}",
            PolicyEventType.OutboundDenied when e.RetryAfter is { } retry => $"retry_after={System.Xml.XmlConvert.ToString(retry)}",
            PolicyEventType.PolicyLoaded or PolicyEventType.PolicyRejected => e.Detail ?? string.Empty,
            _ => string.Empty,
        };
        switch (e.Type)
        {
            case PolicyEventType.PolicyLoaded: PolicyLoaded(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.PolicyRejected: PolicyRejected(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactDrafted: FirstContactDrafted(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactApproved: FirstContactApproved(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactRejected: FirstContactRejected(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactExpired: FirstContactExpired(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactCancelled: FirstContactCancelled(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.FirstContactSent: FirstContactSent(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.DraftCreated: DraftCreated(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.DraftApproved: DraftApproved(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.DraftRejected: DraftRejected(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.DraftExpired: DraftExpired(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.DraftCancelled: DraftCancelled(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ChatApproved: ChatApproved(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ChatPromoted: ChatPromoted(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ModeChanged: ModeChanged(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ChatPaused: ChatPaused(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ChatResumed: ChatResumed(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.ChatRevoked: ChatRevoked(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.AliasLinked: AliasLinked(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.InboundBlocked: InboundBlocked(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.CommandBlocked: CommandBlocked(logger, chat, e.Actor, reason, ids, detail); break;
            case PolicyEventType.OutboundDenied: OutboundDenied(logger, chat, e.Actor, reason, ids, detail); break;
            default: break; // bookkeeping events are not audit events and never reach a sink
        }
    }

    [LoggerMessage(EventId = 1001, EventName = "policy_loaded", Level = LogLevel.Information, Message = "policy_loaded: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void PolicyLoaded(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1002, EventName = "policy_rejected", Level = LogLevel.Warning, Message = "policy_rejected: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void PolicyRejected(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1003, EventName = "first_contact_drafted", Level = LogLevel.Information, Message = "first_contact_drafted: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactDrafted(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1004, EventName = "first_contact_approved", Level = LogLevel.Information, Message = "first_contact_approved: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactApproved(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1005, EventName = "first_contact_rejected", Level = LogLevel.Information, Message = "first_contact_rejected: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactRejected(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1006, EventName = "first_contact_expired", Level = LogLevel.Information, Message = "first_contact_expired: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactExpired(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1007, EventName = "first_contact_cancelled", Level = LogLevel.Information, Message = "first_contact_cancelled: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactCancelled(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1008, EventName = "first_contact_sent", Level = LogLevel.Information, Message = "first_contact_sent: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void FirstContactSent(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1009, EventName = "draft_created", Level = LogLevel.Information, Message = "draft_created: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void DraftCreated(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1010, EventName = "draft_approved", Level = LogLevel.Information, Message = "draft_approved: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void DraftApproved(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1011, EventName = "draft_rejected", Level = LogLevel.Information, Message = "draft_rejected: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void DraftRejected(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1012, EventName = "draft_expired", Level = LogLevel.Information, Message = "draft_expired: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void DraftExpired(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1013, EventName = "draft_cancelled", Level = LogLevel.Information, Message = "draft_cancelled: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void DraftCancelled(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1014, EventName = "chat_approved", Level = LogLevel.Information, Message = "chat_approved: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ChatApproved(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1015, EventName = "chat_promoted", Level = LogLevel.Information, Message = "chat_promoted: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ChatPromoted(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1016, EventName = "mode_changed", Level = LogLevel.Information, Message = "mode_changed: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ModeChanged(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1017, EventName = "chat_paused", Level = LogLevel.Information, Message = "chat_paused: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ChatPaused(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1018, EventName = "chat_resumed", Level = LogLevel.Information, Message = "chat_resumed: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ChatResumed(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1019, EventName = "chat_revoked", Level = LogLevel.Information, Message = "chat_revoked: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void ChatRevoked(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1020, EventName = "alias_linked", Level = LogLevel.Information, Message = "alias_linked: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void AliasLinked(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1021, EventName = "inbound_blocked", Level = LogLevel.Information, Message = "inbound_blocked: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void InboundBlocked(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1022, EventName = "command_blocked", Level = LogLevel.Information, Message = "command_blocked: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void CommandBlocked(ILogger logger, string chat, string? actor, string reason, string ids, string detail);

    [LoggerMessage(EventId = 1023, EventName = "outbound_denied", Level = LogLevel.Warning, Message = "outbound_denied: chat={Chat} actor={Actor} reason={Reason}{Ids} {Detail}")]
    private static partial void OutboundDenied(ILogger logger, string chat, string? actor, string reason, string ids, string detail);
}
