using System;
using System.Collections.Generic;
using System.Globalization;
using Hermes.ServicePolicy.Configuration;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Configuration;

/// <summary>
/// The pattern set compares prefix values by length (the inbound hot path of a pattern-approved chat); it must agree
/// with the plain definition, "a pattern's digits are a prefix of the number's decimal digits", for every length.
/// </summary>
public class PhonePatternSetTests
{
    [Test]
    public void Agrees_with_a_string_prefix_for_numbers_of_every_length()
    {
        var random = new Random(20261206);
        var numbers = new List<ulong> { 1, 9, 10, 99_999_999, 100_000_000, 9_999_999_999_999_999, 10_000_000_000_000_000, ulong.MaxValue };
        for (var digits = 1; digits <= 20; digits++)
        {
            for (var i = 0; i < 50; i++)
            {
                numbers.Add(RandomNumber(random, digits));
            }
        }

        foreach (var number in numbers)
        {
            var text = number.ToString(CultureInfo.InvariantCulture);
            var prefix = text[..Math.Min(text.Length, 1 + (int)(number % 15))];
            Assert.Multiple(() =>
            {
                Assert.That(new PhonePatternSet([prefix]).Matches(number), Is.True, $"{number}: its own prefix {prefix}");
                Assert.That(new PhonePatternSet(["0" + prefix[..Math.Min(prefix.Length, 16)]]).Matches(number), Is.False, $"{number}: its prefix after a zero");
                Assert.That(new PhonePatternSet([Differs(prefix)]).Matches(number), Is.False, $"{number}: {prefix} with its last digit changed");
                Assert.That(new PhonePatternSet(["999999", Differs(prefix), prefix]).Matches(number), Is.True, $"{number}: among others");
                if (text.Length < 17)
                {
                    Assert.That(new PhonePatternSet([text]).Matches(number), Is.True, $"{number}: all its digits");
                    Assert.That(new PhonePatternSet([text + "0"]).Matches(number), Is.False, $"{number}: a longer pattern");
                }
            });
        }
    }

    [Test]
    public void Zeros_inside_the_number_are_its_digits()
    {
        var set = new PhonePatternSet(["346000000"]);
        Assert.Multiple(() =>
        {
            Assert.That(set.Matches(34_600_000_001UL), Is.True);
            Assert.That(set.Matches(34_610_000_001UL), Is.False);
            Assert.That(set.Matches(3_460_000_000UL), Is.True, "fewer digits, same prefix");
            Assert.That(set.Matches(34_600_000UL), Is.False, "shorter than the pattern");
            Assert.That(set.Matches(0), Is.False, "no number");
        });
    }

    [Test]
    public void A_large_set_agrees_with_a_string_prefix_for_every_number()
    {
        // Thousands of patterns fill the open-addressed table with collisions and long probe runs.
        var random = new Random(7);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        while (prefixes.Count < 5_000)
        {
            prefixes.Add(RandomNumber(random, random.Next(6, 16)).ToString(CultureInfo.InvariantCulture));
        }

        var set = new PhonePatternSet([.. prefixes]);
        var failures = new List<string>();
        foreach (var prefix in prefixes)
        {
            var number = ulong.Parse(prefix + "123", CultureInfo.InvariantCulture);
            if (!set.Matches(number))
            {
                failures.Add($"{number} under {prefix}");
            }
        }

        for (var i = 0; i < 20_000; i++)
        {
            var number = RandomNumber(random, random.Next(6, 19));
            var text = number.ToString(CultureInfo.InvariantCulture);
            var expected = false;
            for (var length = 1; length <= text.Length && !expected; length++)
            {
                expected = prefixes.Contains(text[..length]);
            }

            if (set.Matches(number) != expected)
            {
                failures.Add($"{number}: expected {expected}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Dividing_by_a_power_of_ten_by_a_multiply_agrees_with_the_division()
    {
        // Where a multiply-high by a reciprocal goes wrong is next to a multiple of the divisor and at the top of the
        // range: every exponent, each side of multiples up to 2^60, and random values of every size.
        var random = new Random(20261207);
        var failures = new List<string>();
        for (var exponent = 0; exponent <= 19; exponent++)
        {
            var divisor = 1UL;
            for (var i = 0; i < exponent; i++)
            {
                divisor *= 10;
            }

            var values = new List<ulong> { 0, 1, divisor - 1, divisor, divisor + 1, (1UL << 60) - 1, 1UL << 60, ulong.MaxValue };
            for (var i = 0; i < 2_000; i++)
            {
                var multiple = (ulong)random.NextInt64(0, (long)Math.Min((ulong)long.MaxValue, ((1UL << 60) / divisor) + 1));
                var at = multiple * divisor;
                values.Add(at);
                values.Add(at - 1);
                values.Add(at + 1);
                values.Add((ulong)random.NextInt64() >> random.Next(0, 63));
            }

            foreach (var value in values)
            {
                if (PhonePatternSet.DivideByPowerOfTen(value, exponent) != value / divisor)
                {
                    failures.Add($"{value} / 10^{exponent}");
                }
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void The_digit_count_agrees_with_the_decimal_text_at_every_power_of_ten_and_bit_length()
    {
        // The count is read from tables by the leading-zero count: where it can go wrong is either side of a power of
        // ten and of a power of two, so every one of those, and the largest value.
        var values = new List<ulong> { 1, ulong.MaxValue };
        for (var power = 10UL; ; power *= 10)
        {
            values.AddRange([power - 1, power, power + 1]);
            if (power > ulong.MaxValue / 10)
            {
                break;
            }
        }

        for (var bit = 1; bit < 64; bit++)
        {
            values.AddRange([(1UL << bit) - 1, 1UL << bit, (1UL << bit) + 1]);
        }

        var wrong = new List<string>();
        foreach (var value in values)
        {
            var expected = value.ToString(CultureInfo.InvariantCulture).Length;
            if (PhonePatternSet.DigitCount(value) != expected)
            {
                wrong.Add($"{value}: {PhonePatternSet.DigitCount(value)}, not {expected}");
            }
        }

        Assert.That(wrong, Is.Empty);
    }

    [TestCase("")]
    [TestCase("12345678901234567890")]
    [TestCase("34 600")]
    public void A_prefix_the_validator_would_refuse_is_an_error_not_a_pattern_that_matches_nothing(string prefix)
        => Assert.That(() => new PhonePatternSet([prefix]), Throws.ArgumentException);

    private static ulong RandomNumber(Random random, int digits)
    {
        var chars = new char[digits];
        for (var i = 0; i < digits; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }

        chars[0] = (char)('1' + random.Next(9));
        if (digits == 20)
        {
            (chars[0], chars[1]) = ('1', (char)('0' + random.Next(8))); // under ulong.MaxValue, 18 446 744 073 709 551 615
        }

        return ulong.Parse(new string(chars), CultureInfo.InvariantCulture);
    }

    private static string Differs(string text)
    {
        var last = text[^1];
        return text[..^1] + (char)(last == '9' ? '0' : last + 1);
    }
}
