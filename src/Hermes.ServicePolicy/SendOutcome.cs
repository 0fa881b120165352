using System;

namespace Hermes.ServicePolicy;

/// <summary>What the transport did with a permitted send, as the host reports it (docs/behaviour.md#sending).</summary>
public enum SendOutcome
{
    /// <summary><c>delivered</c>: the transport accepted the message. Audited <c>message_sent</c> or <c>first_contact_sent</c> with the exact text.</summary>
    Delivered = 1,

    /// <summary>
    /// <c>failed</c>: the transport says it did not send it. Audited <c>send_failed</c>; the send's own changes are undone
    /// (a first contact's daily slot and service status, an approved draft becomes pending again, a session it bound).
    /// </summary>
    Failed = 2,

    /// <summary><c>unknown</c>: it may have gone out (a timeout, a reset connection, a partial multi-part send). Audited <c>send_unknown</c>; counts as sent.</summary>
    Unknown = 3,
}

/// <summary>The host's report of one send: its outcome, and the transport's message id or error text.</summary>
public readonly struct SendReport
{
    private SendReport(SendOutcome outcome, string? transportMessageId, string? error)
    {
        Outcome = outcome;
        TransportMessageId = transportMessageId;
        Error = error;
    }

    /// <summary>Gets the outcome.</summary>
    public SendOutcome Outcome { get; }

    /// <summary>Gets the transport's id of the delivered message, when it gave one.</summary>
    public string? TransportMessageId { get; }

    /// <summary>Gets what the transport said went wrong (cut to 500 characters, control characters removed, when audited).</summary>
    public string? Error { get; }

    /// <summary>The transport accepted the message.</summary>
    public static SendReport Delivered(string? transportMessageId = null) => new(SendOutcome.Delivered, transportMessageId, null);

    /// <summary>The transport says it did not send the message.</summary>
    public static SendReport Failed(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(SendOutcome.Failed, null, error);
    }

    /// <summary>The host cannot tell whether the message went out.</summary>
    public static SendReport Unknown(string? error = null) => new(SendOutcome.Unknown, null, error);
}

/// <summary>The snake_case names of <see cref="SendOutcome"/> values.</summary>
public static class SendOutcomes
{
    /// <summary>Gets <c>delivered</c>, <c>failed</c> or <c>unknown</c>.</summary>
    public static string ToCode(this SendOutcome outcome) => outcome switch
    {
        SendOutcome.Delivered => "delivered",
        SendOutcome.Failed => "failed",
        SendOutcome.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a defined send outcome."),
    };

    /// <summary>Parses <c>delivered</c>, <c>failed</c> or <c>unknown</c> (exactly, lower case).</summary>
    public static bool TryParse(string? text, out SendOutcome outcome)
    {
        outcome = text switch
        {
            "delivered" => SendOutcome.Delivered,
            "failed" => SendOutcome.Failed,
            "unknown" => SendOutcome.Unknown,
            _ => default,
        };
        return outcome != default;
    }
}
