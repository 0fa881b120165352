using System;
using System.Globalization;

namespace Hermes.ServicePolicy.Checks;

/// <summary>What a host check says about a message.</summary>
public enum OutboundCheckAction
{
    /// <summary>Let it go (the library's decision stands).</summary>
    Allow = 0,

    /// <summary>Refuse it: denied <c>host_denied</c>, audited <c>outbound_denied</c> with the check's reason.</summary>
    Deny = 1,

    /// <summary>
    /// Hold it for the owner: the send becomes a pending draft (audited <c>host_held</c>, then the draft), which the owner
    /// may approve. For an approval it counts as <see cref="Allow"/>.
    /// </summary>
    Hold = 2,
}

/// <summary>
/// A host check's answer. <c>default</c> is <see cref="Allow"/>. The reason of a denial or a hold is shown to the owner
/// and written to the audit log: a short plain sentence (1–200 characters, no control or invisible format characters),
/// never the message's text or anything secret.
/// </summary>
public readonly struct OutboundCheckResult : IEquatable<OutboundCheckResult>
{
    /// <summary>The longest reason a check may give.</summary>
    public const int MaxReasonLength = 200;

    private OutboundCheckResult(OutboundCheckAction action, string? reason)
    {
        Action = action;
        Reason = reason;
    }

    /// <summary>Gets the answer: allow, deny or hold.</summary>
    public OutboundCheckAction Action { get; }

    /// <summary>Gets the reason of a denial or a hold; null for an allow.</summary>
    public string? Reason { get; }

    /// <summary>Gets the answer that lets the message go.</summary>
    public static OutboundCheckResult Allow => default;

    /// <summary>Refuses the message, for <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentException">The reason is empty, longer than <see cref="MaxReasonLength"/>, or has control or invisible characters.</exception>
    public static OutboundCheckResult Deny(string reason) => new(OutboundCheckAction.Deny, Validate(reason));

    /// <summary>Holds the message for the owner's approval, for <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentException">The reason is empty, longer than <see cref="MaxReasonLength"/>, or has control or invisible characters.</exception>
    public static OutboundCheckResult Hold(string reason) => new(OutboundCheckAction.Hold, Validate(reason));

    /// <inheritdoc />
    public bool Equals(OutboundCheckResult other) => Action == other.Action && string.Equals(Reason, other.Reason, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutboundCheckResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Action, Reason);

    /// <summary>Compares two answers.</summary>
    public static bool operator ==(OutboundCheckResult left, OutboundCheckResult right) => left.Equals(right);

    /// <summary>Compares two answers.</summary>
    public static bool operator !=(OutboundCheckResult left, OutboundCheckResult right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Reason is null ? "allow" : $"{(Action == OutboundCheckAction.Deny ? "deny" : "hold")}: {Reason}";

    // The reason reaches the owner's chat and the audit log: no line breaks, no bidi overrides or zero-width characters
    // that could disguise it. Categories come from .NET's own tables, so ICU and invariant mode agree.
    private static string Validate(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var trimmed = reason.Trim();
        if (trimmed.Length is 0 or > MaxReasonLength)
        {
            throw new ArgumentException($"A host check's reason must have 1 to {MaxReasonLength} characters; it has {trimmed.Length}.", nameof(reason));
        }

        foreach (var c in trimmed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A host check's reason must not contain control or invisible characters (U+{(int)c:X4})."), nameof(reason));
            }
        }

        return trimmed;
    }
}
