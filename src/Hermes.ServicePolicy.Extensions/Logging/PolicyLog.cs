using System;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.Logging;

namespace Hermes.ServicePolicy.Extensions.Logging;

/// <summary>Diagnostic logs of the integration, with stable event ids from 2000.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 2001, EventName = "policy_failure", Level = LogLevel.Error, Message = "The service-conversation policy failed closed ({Operation}); decisions answer policy_unavailable until it recovers.")]
    public static partial void Failure(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 2002, EventName = "configuration_reloaded", Level = LogLevel.Information, Message = "Service-conversation configuration reloaded; state kept.")]
    public static partial void Reloaded(ILogger logger);

    [LoggerMessage(EventId = 2003, EventName = "configuration_reload_refused", Level = LogLevel.Warning, Message = "Service-conversation configuration change refused; the previous configuration stays in force: {Errors}")]
    public static partial void ReloadRefused(ILogger logger, string errors);

    [LoggerMessage(EventId = 2004, EventName = "configuration_reload_failed", Level = LogLevel.Error, Message = "Service-conversation configuration change could not be applied.")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, EventName = "swept", Level = LogLevel.Information, Message = "Service-conversation sweep: {DraftsExpired} drafts expired, {SendsClosed} unconfirmed sends closed as unknown.")]
    public static partial void Swept(ILogger logger, int draftsExpired, int sendsClosed);

    [LoggerMessage(EventId = 2006, EventName = "sweep_failed", Level = LogLevel.Error, Message = "Service-conversation sweep failed; nothing was changed, and the next tick tries again.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    public static void Failure(ILogger logger, PolicyFailure failure) => Failure(logger, failure.Operation, failure.Exception);
}
