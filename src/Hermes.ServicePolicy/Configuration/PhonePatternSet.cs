using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// The <c>approved_patterns</c>: a phone number matches when a pattern's fixed digits are a prefix of its decimal
/// digits. Kept as the set of (length, prefix value) pairs and the distinct lengths: a lookup is one division and one
/// set probe per distinct length (patterns have 6 to 15 digits, so at most 10, usually one or two), whatever the number
/// of patterns, and allocates nothing. A digit trie was the first form; its walk is a chain of dependent loads, one
/// per digit, which cost more than the whole approved-chat decision. The division by a power of ten is a multiply by
/// its reciprocal (<see cref="DivideByPowerOfTen"/>): a 64-bit division by a variable costs as much as the set probe.
/// The set is an open-addressed table of the keys (at most half full, so a probe always meets an empty slot): a
/// multiply, a shift and usually one load, where a frozen set took two virtual calls around the same probe.
/// </summary>
internal sealed class PhonePatternSet
{
    public static readonly PhonePatternSet Empty = new([]);

    private const int MaxDigits = 17; // 10^17 < 2^57: a prefix value shifted by 5 bits, with its length, fits one ulong

    private const int ReciprocalBits = 60; // numbers below 2^60 (18 digits; E.164 has at most 15) divide by a multiply

    private static readonly ulong[] PowersOfTen = PowersUpTo(19);

    private static readonly (ulong Multiplier, int Shift)[] Reciprocals = ReciprocalsOfPowersOfTen();

    // Indexed by the leading-zero count z (0 to 63) of a value with 64 - z bits: the digits of its smallest value, 2^(63 - z),
    // and 10^those digits, the first value with one more (above the bit length's largest when no power of ten falls inside).
    private static readonly byte[] DigitsOfBitLength = DigitsOfSmallestValues();

    private static readonly ulong[] OneMoreDigitFrom = Array.ConvertAll(DigitsOfBitLength, digits => PowersOfTen[digits]);

    private const ulong Fibonacci = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads keys that differ in low digits

    private readonly ulong[] _slots; // keys, or 0 for an empty slot (a key is never 0: its low bits hold the length)
    private readonly int _shift;
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

        (_slots, _shift) = Table(keys);
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

            if (Contains(Key(DivideByPowerOfTen(phoneNumber, digits - length), length)))
            {
                return true;
            }
        }

        return false;
    }

    private bool Contains(ulong key)
    {
        var mask = _slots.Length - 1;
        var i = (int)((key * Fibonacci) >> _shift);
        while (true)
        {
            var slot = _slots[i];
            if (slot == key)
            {
                return true;
            }

            if (slot == 0)
            {
                return false;
            }

            i = (i + 1) & mask;
        }
    }

    private static (ulong[] Slots, int Shift) Table(HashSet<ulong> keys)
    {
        var bits = 1;
        while ((1 << bits) < keys.Count * 2)
        {
            bits++;
        }

        var slots = new ulong[1 << bits];
        var shift = 64 - bits;
        foreach (var key in keys)
        {
            var i = (int)((key * Fibonacci) >> shift);
            while (slots[i] != 0)
            {
                i = (i + 1) & (slots.Length - 1);
            }

            slots[i] = key;
        }

        return (slots, shift);
    }

    // One key per (value, length), never shared: the value is below 2^57 and the length below 32. The length is part
    // of the key because a number's prefix of one length can equal another pattern's value ("0491" against "491").
    private static ulong Key(ulong value, int length) => (value << 5) | (uint)length;

    /// <summary>
    /// <paramref name="value"/> / 10^<paramref name="exponent"/>, rounded down. Below 2^60 it is the high part of a multiply
    /// by m = ceil(2^(60 + l) / 10^k), l = ceil(log2 10^k): m·10^k exceeds 2^(60 + l) by less than 10^k, so the product's
    /// error stays under 1/10^k and never reaches the next integer (Granlund and Montgomery, 1994, theorem 4.2).
    /// </summary>
    internal static ulong DivideByPowerOfTen(ulong value, int exponent)
    {
        if (exponent == 0)
        {
            return value;
        }

        var reciprocals = Reciprocals;
        if (value >= 1UL << ReciprocalBits || (uint)exponent >= (uint)reciprocals.Length)
        {
            return value / PowersOfTen[exponent];
        }

        var (multiplier, shift) = reciprocals[exponent];
        return MultiplyHigh(value, multiplier) >> shift;
    }

    // The high half of the 128-bit product: one mulx where BMI2 has it, without the low half Math.BigMul writes to memory.
    private static ulong MultiplyHigh(ulong value, ulong multiplier)
        => Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(value, multiplier) : Math.BigMul(value, multiplier, out _);

    private static (ulong Multiplier, int Shift)[] ReciprocalsOfPowersOfTen()
    {
        var reciprocals = new (ulong, int)[19]; // 10^18 < 2^60 <= 10^19
        for (var k = 1; k < reciprocals.Length; k++)
        {
            var divisor = PowersOfTen[k];
            var l = 64 - BitOperations.LeadingZeroCount(divisor - 1); // ceil(log2 divisor)
            var numerator = UInt128.One << (ReciprocalBits + l);
            var multiplier = (numerator / divisor) + (numerator % divisor == UInt128.Zero ? UInt128.Zero : UInt128.One); // below 2^61
            reciprocals[k] = ((ulong)multiplier, ReciprocalBits + l - 64); // l >= 4, so the shift is not negative
        }

        return reciprocals;
    }

    /// <summary>
    /// The decimal digits of a nonzero <paramref name="value"/>: the fewest a value of its bit length has, plus one from
    /// the power of ten inside that bit length. Two independent loads after the leading-zero count, where an estimate by
    /// multiply and a power read after it were one chain of five steps on every pattern lookup.
    /// </summary>
    internal static int DigitCount(ulong value)
    {
        var leadingZeros = BitOperations.LeadingZeroCount(value);
        return DigitsOfBitLength[leadingZeros] + (value >= OneMoreDigitFrom[leadingZeros] ? 1 : 0);
    }

    private static byte[] DigitsOfSmallestValues()
    {
        var digits = new byte[64];
        for (var z = 0; z < 64; z++)
        {
            var smallest = 1UL << (63 - z);
            var count = 1;
            while (smallest >= PowersOfTen[count])
            {
                count++; // stops by 19: 2^63 < 10^19
            }

            digits[z] = (byte)count;
        }

        return digits;
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
