using System;
using Hermes.ServicePolicy.Targeting;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Targeting;

public class ChatAddressTests
{
    private const string Expected = "34600123456@s.whatsapp.net";

    [TestCase("+34 600 12 34 56")]
    [TestCase("+34 600 123 456")]
    [TestCase("+34-600-123-456")]
    [TestCase("+34.600.123.456")]
    [TestCase("+34/600/123/456")]
    [TestCase("+34 (600) 123-456")]
    [TestCase("+34600123456")]
    [TestCase("0034 600 12 34 56")]
    [TestCase("0034600123456")]
    [TestCase("34600123456")]
    [TestCase("  +34 600 123 456  ")]
    [TestCase("tel:+34-600-123-456")]
    [TestCase("TEL:+34600123456")]
    [TestCase("whatsapp:+34600123456")]
    [TestCase("wa.me/34600123456")]
    [TestCase("wa.me/+34600123456")]
    [TestCase("https://wa.me/34600123456")]
    [TestCase("http://wa.me/34600123456?text=hola")]
    [TestCase("https://www.wa.me/34600123456")]
    [TestCase("https://api.whatsapp.com/send?phone=34600123456")]
    [TestCase("https://api.whatsapp.com/send?phone=34600123456&text=hi")]
    [TestCase("https://api.whatsapp.com/send/?text=hi&phone=%2B34600123456")]
    [TestCase("api.whatsapp.com/send?phone=34600123456")]
    [TestCase("\uFF0B34 600 123 456")] // full-width plus
    [TestCase("+\uFF13\uFF14\uFF16\uFF10\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16")] // full-width digits
    [TestCase("+\u0663\u0664\u0666\u0660\u0660\u0661\u0662\u0663\u0664\u0665\u0666")] // Arabic-Indic digits
    [TestCase("+\u06F3\u06F4\u06F6\u06F0\u06F0\u06F1\u06F2\u06F3\u06F4\u06F5\u06F6")] // extended Arabic-Indic digits
    [TestCase("+34\u202F600\u202F123\u202F456")] // narrow no-break spaces
    [TestCase("+34\u00A0600\u00A0123\u00A0456")] // no-break spaces
    [TestCase("\u200B+34 600\u200C 123\u200D 456\uFEFF")] // zero-width characters
    [TestCase("\u202A+34 600 123 456\u202C")] // bidi embedding
    [TestCase("+34\u2011600\u2013123\u2014456")] // other dashes
    [TestCase("34600123456@s.whatsapp.net")]
    [TestCase("34600123456@c.us")]
    [TestCase("34600123456:4@s.whatsapp.net")]
    public void Resolves_every_human_form_of_a_number(string input)
    {
        var result = ChatAddress.Parse(input);
        Assert.That(result, Is.Not.Null);
        Assert.That(result!.Value.Kind, Is.EqualTo(TargetResolutionKind.Resolved), result.Value.Explain());
        Assert.That(result.Value.Chat.ToString(), Is.EqualTo(Expected));
    }

    [TestCase("+1 415 555 2671", "14155552671@s.whatsapp.net")]
    [TestCase("+44 20 7946 0958", "442079460958@s.whatsapp.net")]
    [TestCase("+7 912 345-67-89", "79123456789@s.whatsapp.net")]
    [TestCase("+886 2 1234 5678", "886212345678@s.whatsapp.net")]
    [TestCase("600123456", "600123456@s.whatsapp.net")] // bare digits are international: +60 is Malaysia
    [TestCase("+1234567", "1234567@s.whatsapp.net")]
    [TestCase("+123456789012345", "123456789012345@s.whatsapp.net")]
    [TestCase("123456789012345@lid", "123456789012345@lid")]
    [TestCase("120363012345678901@g.us", "120363012345678901@g.us")]
    public void Resolves_numbers_of_other_countries_and_other_jids(string input, string expected)
    {
        var result = ChatAddress.Parse(input);
        Assert.That(result!.Value.IsResolved, Is.True, result.Value.Explain());
        Assert.That(result.Value.Chat.ToString(), Is.EqualTo(expected));
    }

    [TestCase("", TargetError.Empty)]
    [TestCase("   ", TargetError.Empty)]
    [TestCase("\u200B\u200B", TargetError.Empty)]
    [TestCase("movistar@", TargetError.InvalidJid)]
    [TestCase("abc@s.whatsapp.net", TargetError.InvalidJid)]
    [TestCase("support@movistar.es", TargetError.InvalidJid)]
    [TestCase("@s.whatsapp.net", TargetError.InvalidJid)]
    [TestCase("600 12 34 56", TargetError.NationalNumber)]
    [TestCase("(600) 123-456", TargetError.NationalNumber)]
    [TestCase("0600123456", TargetError.NationalNumber)]
    [TestCase("0600 123 456", TargetError.NationalNumber)]
    [TestCase("600-123-456", TargetError.NationalNumber)]
    [TestCase("tel:600 123 456", TargetError.NationalNumber)]
    [TestCase("tel:0600123456", TargetError.NationalNumber)]
    [TestCase("+34 600 FACTURA", TargetError.Letters)]
    [TestCase("1-800-FLOWERS", TargetError.Letters)]
    [TestCase("+34 600 123 456 ext 12", TargetError.Extension)]
    [TestCase("+34 600 123 456 ext. 12", TargetError.Extension)]
    [TestCase("+34 600 123 456 x12", TargetError.Extension)]
    [TestCase("+34 600 123 456#12", TargetError.Extension)]
    [TestCase("+34 600 123 456,12", TargetError.Extension)]
    [TestCase("tel:+34600123456;ext=12", TargetError.Extension)]
    [TestCase("+0 600 123 456", TargetError.InvalidCountryCode)]
    [TestCase("+034600123456", TargetError.InvalidCountryCode)]
    [TestCase("000034600123456", TargetError.InvalidCountryCode)]
    [TestCase("+999 600 123 456", TargetError.InvalidCountryCode)]
    [TestCase("+28 600 123 456", TargetError.InvalidCountryCode)]
    [TestCase("+34 600", TargetError.TooFewDigits)]
    [TestCase("+123456", TargetError.TooFewDigits)]
    [TestCase("+", TargetError.TooFewDigits)]
    [TestCase("+34 600 123 456 789 012", TargetError.TooManyDigits)]
    [TestCase("+1234567890123456", TargetError.TooManyDigits)]
    [TestCase("3460012345678901234", TargetError.TooManyDigits)]
    [TestCase("++34600123456", TargetError.InvalidCharacter)]
    [TestCase("+34 600+123456", TargetError.InvalidCharacter)]
    [TestCase("+34*600123456", TargetError.InvalidCharacter)]
    [TestCase("+34_600_123_456", TargetError.InvalidCharacter)]
    [TestCase("https://chat.whatsapp.com/AbCdEfGhIjK", TargetError.GroupInviteLink)]
    [TestCase("chat.whatsapp.com/AbCdEfGhIjK", TargetError.GroupInviteLink)]
    [TestCase("https://wa.me/message/ABCDEF", TargetError.UnsupportedLink)]
    [TestCase("https://wa.me/", TargetError.UnsupportedLink)]
    [TestCase("wa.me", TargetError.UnsupportedLink)]
    [TestCase("https://example.com/34600123456", TargetError.UnsupportedLink)]
    [TestCase("http://movistar.es", TargetError.UnsupportedLink)]
    [TestCase("https://api.whatsapp.com/send?text=hi", TargetError.UnsupportedLink)]
    [TestCase("https://wa.me/2800123456", TargetError.InvalidCountryCode)]
    [TestCase("https://wa.me/0600123456", TargetError.NationalNumber)]
    [TestCase("whatsapp:0600123456", TargetError.NationalNumber)]
    [TestCase("2800123456", TargetError.InvalidCountryCode)]
    [TestCase("+34600123456789012345678", TargetError.TooManyDigits)]
    public void Rejects_invalid_addresses_with_a_reason(string input, TargetError expected)
    {
        var result = ChatAddress.Parse(input);
        Assert.That(result, Is.Not.Null, "an address attempt never falls through to name lookup");
        Assert.That(result!.Value.Kind, Is.EqualTo(TargetResolutionKind.Invalid), result.Value.Explain());
        Assert.That(result.Value.Error, Is.EqualTo(expected), result.Value.Explain());
        Assert.That(result.Value.Reason, Is.EqualTo(ReasonCode.InvalidTarget));
    }

    [Test]
    public void The_national_number_reason_says_an_international_prefix_is_needed()
    {
        Assert.That(ChatAddress.Parse("600 12 34 56")!.Value.Explain(), Does.Contain("international prefix"));
    }

    [TestCase("Movistar")]
    [TestCase("Mamá")]
    [TestCase("Soporte Técnico")]
    [TestCase("Vodafone ES")]
    [TestCase("x")]
    [TestCase("Telefónica 24h")]
    [TestCase("Σωτήρης")]
    [TestCase("Василий")]
    [TestCase("status")]
    [TestCase("(Movistar)")]
    public void Leaves_names_to_name_lookup(string input)
    {
        Assert.That(ChatAddress.Parse(input), Is.Null);
    }

    [Test]
    public void Inserting_any_allowed_separators_into_a_valid_number_resolves_to_the_same_chat()
    {
        var random = new Random(2024);
        var separators = new[] { " ", "-", ".", "/", "\u00A0", "\u202F", "\u2013", "\u200B", "(", ")" };
        for (var i = 0; i < 3000; i++)
        {
            var digits = RandomInternationalNumber(random);
            var expected = ChatAddress.Parse("+" + digits)!.Value;
            Assert.That(expected.IsResolved, Is.True, digits);
            var builder = new System.Text.StringBuilder(random.Next(2) == 0 ? "+" : "00");
            foreach (var digit in digits)
            {
                builder.Append(digit);
                if (random.Next(3) == 0)
                {
                    builder.Append(separators[random.Next(separators.Length)]);
                }
            }

            var result = ChatAddress.Parse(builder.ToString());
            Assert.That(result!.Value.IsResolved, Is.True, $"{builder}: {result.Value.Explain()}");
            Assert.That(result.Value.Chat, Is.EqualTo(expected.Chat), builder.ToString());
        }
    }

    [Test]
    public void The_canonical_jid_of_a_resolved_number_resolves_to_itself()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var chat = ChatAddress.Parse("+" + RandomInternationalNumber(random))!.Value.Chat;
            Assert.That(ChatAddress.Parse(chat.ToString())!.Value.Chat, Is.EqualTo(chat));
            Assert.That(ChatAddress.Parse(chat.PhoneNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))!.Value.Chat, Is.EqualTo(chat), "bare digits are international");
        }
    }

    [Test]
    public void No_input_makes_the_address_parser_throw()
    {
        var random = new Random(5);
        const string alphabet = "0123456789+()-./ :;#,*@xXtelwhatsapp.mehtps?=&%2B\u200B\uFF0B\u0663\uD83D\uDE00abc";
        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 30)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var input = new string(chars);
            Assert.DoesNotThrow(() => ChatAddress.Parse(input), input);
        }
    }

    private static string RandomInternationalNumber(Random random)
    {
        string[] codes = ["1", "7", "34", "44", "49", "52", "55", "86", "91", "351", "353", "972", "886"];
        var code = codes[random.Next(codes.Length)];
        var rest = random.Next(7 - code.Length, 16 - code.Length);
        var digits = new char[rest];
        for (var i = 0; i < rest; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        return code + new string(digits);
    }
}
