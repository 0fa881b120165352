using System;
using System.Security.Cryptography;

namespace Hermes.ServicePolicy;

/// <summary>
/// The id of a draft: 128 random bits from a cryptographic generator, written as <c>d_</c> and 22 base64url
/// characters, so a draft cannot be approved by guessing its id.
/// </summary>
public readonly struct DraftId : IEquatable<DraftId>
{
    /// <summary>Wraps an id as text, for example one read from a log or typed by an operator.</summary>
    public DraftId(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
    }

    /// <summary>Gets the id as text; <see langword="null"/> for <c>default(DraftId)</c>.</summary>
    public string? Value { get; }

    /// <summary>Gets whether this is <c>default(DraftId)</c>.</summary>
    public bool IsEmpty => Value is null;

    /// <summary>Creates a new unguessable id.</summary>
    public static DraftId New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new DraftId("d_" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    /// <inheritdoc />
    public bool Equals(DraftId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DraftId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    /// <summary>Equality.</summary>
    public static bool operator ==(DraftId left, DraftId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DraftId left, DraftId right) => !left.Equals(right);
}
