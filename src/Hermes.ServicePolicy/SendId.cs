using System;
using System.Globalization;

namespace Hermes.ServicePolicy;

/// <summary>
/// The id of a send permit (<c>s7-42</c>): the host reports the transport's outcome with it. <see cref="Epoch"/> is the
/// log position of the first change the issuing process committed, so two processes, or one process before and after
/// a restart, never issue the same id; <see cref="Number"/> counts the permits of that process from 1. A value type:
/// issuing a permit allocates nothing.
/// </summary>
public readonly struct SendId : IEquatable<SendId>
{
    /// <summary>Creates an id from its parts (both at least 1).</summary>
    public SendId(long epoch, long number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        Epoch = epoch;
        Number = number;
    }

    /// <summary>Gets the issuing process's epoch; 0 for <c>default(SendId)</c>.</summary>
    public long Epoch { get; }

    /// <summary>Gets the permit's number within its epoch.</summary>
    public long Number { get; }

    /// <summary>Gets whether this is <c>default(SendId)</c>: no permit.</summary>
    public bool IsEmpty => Epoch == 0;

    /// <summary>Parses the text form (<c>s7-42</c>) given by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out SendId id)
    {
        id = default;
        if (text is null || text.Length < 4 || text[0] != 's')
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 2
            || !long.TryParse(text.AsSpan(1, dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || epoch < 1 || number < 1)
        {
            return false;
        }

        id = new SendId(epoch, number);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(SendId other) => Epoch == other.Epoch && Number == other.Number;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SendId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Epoch, Number);

    /// <summary>Gets the text form, <c>s{epoch}-{number}</c>; empty for <c>default(SendId)</c>.</summary>
    public override string ToString() => IsEmpty ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"s{Epoch}-{Number}");

    /// <summary>Equality.</summary>
    public static bool operator ==(SendId left, SendId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SendId left, SendId right) => !left.Equals(right);
}
