using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Numerics;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// The <c>approved_patterns</c>: a phone number matches when a pattern's fixed digits are a prefix of its decimal
/// digits. Kept as the set of (length, prefix value) pairs and the distinct lengths: a lookup is one division and one
/// set probe per distinct length (patterns have 6 to 15 digits, so at most 10, usually one or two), whatever the number
/// of patterns, and allocates nothing. A digit trie was the first form; its walk is a chain of dependent loads, one
/// per digit, which cost more than the whole approved-chat decision.
/// </summary>
internal sealed class PhonePatternSet
{
    public static readonly PhonePatternSet Empty = new([]);

    private const int MaxDigits = 17; // 10^17 < 2^57: a prefix value shifted by 5 bits, with its length, fits one ulong

    private static readonly ulong[] PowersOfTen = PowersUpTo(19);

    private readonly FrozenSet<ulong> _prefixes;
    private readonly byte[] _lengths;

    /// <param name="prefixes">The patterns' fixed digits (ASCII digits only, as the validator leaves them).</param>
    public PhonePatternSet(IReadOnlyList<string> prefixes)
    {
        var keys = new HashSet<ulong>();
        var lengths = new SortedSet<byte>();
        foreach (var prefix in prefixes)
        {
            if (prefix.Length is 0 or > MaxDigits)
            {
                throw new ArgumentException($"A pattern prefix has 1 to {MaxDigits} digits: '{prefix}'.", nameof(prefixes)); // the validator allows 6 to 15
            }

            var value = 0UL;
            foreach (var c in prefix)
            {
                if (c is < '0' or > '9')
                {
                    throw new ArgumentException($"A pattern prefix is digits only: '{prefix}'.", nameof(prefixes));
                }

                value = (value * 10) + (ulong)(c - '0');
            }

            keys.Add(Key(value, prefix.Length));
            lengths.Add((byte)prefix.Length);
        }

        _prefixes = keys.ToFrozenSet();
        _lengths = [.. lengths];
        Count = prefixes.Count;
    }

    public int Count { get; }

    public bool Matches(ulong phoneNumber)
    {
        if (_lengths.Length == 0 || phoneNumber == 0)
        {
            return false;
        }

        var digits = DigitCount(phoneNumber);
        foreach (var length in _lengths)
        {
            if (length > digits)
            {
                return false; // ascending: no longer pattern fits either
            }

            if (_prefixes.Contains(Key(phoneNumber / PowersOfTen[digits - length], length)))
            {
                return true;
            }
        }

        return false;
    }

    // One key per (value, length), never shared: the value is below 2^57 and the length below 32. The length is part
    // of the key because a number's prefix of one length can equal another pattern's value ("0491" against "491").
    private static ulong Key(ulong value, int length) => (value << 5) | (uint)length;

    private static int DigitCount(ulong value)
    {
        var estimate = ((BitOperations.Log2(value) + 1) * 1233) >> 12; // floor(log10) or one above it
        return estimate + (value >= PowersOfTen[estimate] ? 1 : 0);
    }

    private static ulong[] PowersUpTo(int exponent)
    {
        var powers = new ulong[exponent + 1];
        powers[0] = 1;
        for (var i = 1; i <= exponent; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
