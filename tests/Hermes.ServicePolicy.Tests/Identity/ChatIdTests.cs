using System;
using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Identity;

public class ChatIdTests
{
    [TestCase("34600123456@s.whatsapp.net", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456@c.us", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456@S.WhatsApp.NET", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456@C.US", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456:12@s.whatsapp.net", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456.0:12@s.whatsapp.net", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456_1@s.whatsapp.net", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("34600123456_1:3@s.whatsapp.net", ChatKind.Phone, "34600123456@s.whatsapp.net")]
    [TestCase("1234567@s.whatsapp.net", ChatKind.Phone, "1234567@s.whatsapp.net")]
    [TestCase("123456789012345@s.whatsapp.net", ChatKind.Phone, "123456789012345@s.whatsapp.net")]
    [TestCase("123456789012345@lid", ChatKind.Lid, "123456789012345@lid")]
    [TestCase("123456789012345@LID", ChatKind.Lid, "123456789012345@lid")]
    [TestCase("123456789012345:7@lid", ChatKind.Lid, "123456789012345@lid")]
    [TestCase("1@lid", ChatKind.Lid, "1@lid")]
    [TestCase("9999999999999999999@lid", ChatKind.Lid, "9999999999999999999@lid")]
    [TestCase("120363012345678901@g.us", ChatKind.Group, "120363012345678901@g.us")]
    [TestCase("12036301234567890123@g.us", ChatKind.Group, "12036301234567890123@g.us")]
    [TestCase("34600123456-1600000000@g.us", ChatKind.Group, "34600123456-1600000000@g.us")]
    [TestCase("status@broadcast", ChatKind.Broadcast, "status@broadcast")]
    [TestCase("STATUS@broadcast", ChatKind.Broadcast, "status@broadcast")]
    [TestCase("1600000000@broadcast", ChatKind.Broadcast, "1600000000@broadcast")]
    [TestCase("120363144038483540@newsletter", ChatKind.Newsletter, "120363144038483540@newsletter")]
    public void Parses_valid_jids_to_their_canonical_form(string jid, ChatKind kind, string canonical)
    {
        Assert.That(ChatId.TryParse(jid.AsSpan(), out var chat, out var error), Is.True, error.ToString());
        Assert.That(chat.Kind, Is.EqualTo(kind));
        Assert.That(chat.ToString(), Is.EqualTo(canonical));
    }

    [TestCase("", ChatIdError.Empty)]
    [TestCase("34600123456", ChatIdError.MissingServer)]
    [TestCase("@s.whatsapp.net", ChatIdError.MissingUser)]
    [TestCase("abc@s.whatsapp.net", ChatIdError.InvalidUser)]
    [TestCase("x@g.us", ChatIdError.InvalidUser)]
    [TestCase("34600123456@example.com", ChatIdError.UnknownServer)]
    [TestCase("34600123456@whatsapp.net", ChatIdError.UnknownServer)]
    [TestCase("34600123456@", ChatIdError.UnknownServer)]
    [TestCase("34600123456@@s.whatsapp.net", ChatIdError.MultipleAtSigns)]
    [TestCase("a@b@c.us", ChatIdError.MultipleAtSigns)]
    [TestCase("1234567890123456@s.whatsapp.net", ChatIdError.TooManyDigits)]
    [TestCase("123456@s.whatsapp.net", ChatIdError.TooFewDigits)]
    [TestCase("034600123456@s.whatsapp.net", ChatIdError.LeadingZero)]
    [TestCase("0@lid", ChatIdError.LeadingZero)]
    [TestCase("12345678901234567890@lid", ChatIdError.TooManyDigits)]
    [TestCase("123456789012345678901@g.us", ChatIdError.TooManyDigits)]
    [TestCase("+34600123456@s.whatsapp.net", ChatIdError.InvalidUser)]
    [TestCase("34 600 123 456@s.whatsapp.net", ChatIdError.InvalidUser)]
    [TestCase("34600123456:@s.whatsapp.net", ChatIdError.InvalidSuffix)]
    [TestCase("34600123456:ab@s.whatsapp.net", ChatIdError.InvalidSuffix)]
    [TestCase("34600123456:1:2@s.whatsapp.net", ChatIdError.InvalidSuffix)]
    [TestCase("34600123456:1.0@s.whatsapp.net", ChatIdError.InvalidSuffix)]
    [TestCase("120363012345678901:1@g.us", ChatIdError.InvalidUser)]
    [TestCase("34600123456-@g.us", ChatIdError.MissingUser)]
    [TestCase("-1600000000@g.us", ChatIdError.MissingUser)]
    [TestCase("34600123456-16000x@g.us", ChatIdError.InvalidUser)]
    [TestCase("hello@broadcast", ChatIdError.InvalidUser)]
    [TestCase("34600123456@s.whatsapp.net ", ChatIdError.UnknownServer)]
    [TestCase("３４600123456@s.whatsapp.net", ChatIdError.InvalidUser)]
    public void Rejects_malformed_jids_with_a_reason(string jid, ChatIdError expected)
    {
        Assert.That(ChatId.TryParse(jid.AsSpan(), out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(expected));
        Assert.That(error.Describe(), Is.Not.Empty);
    }

    [Test]
    public void Parse_throws_a_format_exception_naming_the_input()
    {
        var ex = Assert.Throws<FormatException>(() => ChatId.Parse("abc@s.whatsapp.net"));
        Assert.That(ex!.Message, Does.Contain("abc@s.whatsapp.net"));
    }

    [Test]
    public void Phone_and_lid_with_the_same_digits_are_different_chats()
    {
        var phone = ChatId.Parse("34600123456@s.whatsapp.net");
        var lid = ChatId.Parse("34600123456@lid");
        Assert.That(phone, Is.Not.EqualTo(lid));
        Assert.That(lid.PhoneNumber, Is.EqualTo(0UL), "a LID's digits are never a phone number");
        Assert.That(phone.PhoneNumber, Is.EqualTo(34600123456UL));
    }

    [Test]
    public void Equal_identities_have_equal_hashes_and_operators_agree()
    {
        var a = ChatId.Parse("34600123456@c.us");
        var b = ChatId.Parse("34600123456:3@s.whatsapp.net");
        Assert.That(a == b, Is.True);
        Assert.That(a != b, Is.False);
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a.Equals((object)b), Is.True);
    }

    [Test]
    public void Old_and_new_style_groups_with_similar_digits_differ()
    {
        var old = ChatId.Parse("34600123456-1600000000@g.us");
        var other = ChatId.Parse("34600123456@g.us");
        Assert.That(old, Is.Not.EqualTo(other));
    }

    [Test]
    public void Default_is_empty_and_formats_as_nothing()
    {
        Assert.That(default(ChatId).IsEmpty, Is.True);
        Assert.That(default(ChatId).ToString(), Is.Empty);
    }

    [Test]
    public void Ordering_follows_canonical_text()
    {
        var list = new List<ChatId> { ChatId.Parse("9000000@s.whatsapp.net"), ChatId.Parse("1@lid"), ChatId.Parse("10000000@s.whatsapp.net") };
        list.Sort();
        Assert.That(list.ConvertAll(c => c.ToString()), Is.EqualTo(new[] { "10000000@s.whatsapp.net", "1@lid", "9000000@s.whatsapp.net" }));
    }

    [Test]
    public void Factories_validate_their_ranges()
    {
        Assert.That(ChatId.FromPhoneNumber(34600123456).ToString(), Is.EqualTo("34600123456@s.whatsapp.net"));
        Assert.That(ChatId.FromLid(42).ToString(), Is.EqualTo("42@lid"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatId.FromPhoneNumber(123456));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatId.FromPhoneNumber(1_000_000_000_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatId.FromLid(0));
    }

    [Test]
    public void TryFormat_reports_a_too_small_buffer()
    {
        var chat = ChatId.Parse("34600123456@s.whatsapp.net");
        Assert.That(chat.TryFormat(new char[10], out _), Is.False);
        Assert.That(chat.TryFormat(new char[ChatId.MaxFormattedLength], out var n), Is.True);
        Assert.That(n, Is.EqualTo("34600123456@s.whatsapp.net".Length));
    }

    [Test]
    public void The_canonical_form_is_a_fixed_point_for_random_valid_ids()
    {
        var random = new Random(1234);
        var servers = new[] { "s.whatsapp.net", "c.us", "lid", "g.us", "broadcast", "newsletter" };
        for (var i = 0; i < 2000; i++)
        {
            var server = servers[random.Next(servers.Length)];
            var digits = server is "s.whatsapp.net" or "c.us" ? random.Next(7, 16) : random.Next(1, server == "lid" ? 20 : 21);
            var user = RandomDigits(random, digits);
            if (random.Next(4) == 0 && server is "s.whatsapp.net" or "lid")
            {
                user += ":" + random.Next(0, 99);
            }

            var jid = $"{user}@{server}";
            Assert.That(ChatId.TryParse(jid.AsSpan(), out var chat, out var error), Is.True, $"{jid}: {error}");
            var canonical = chat.ToString();
            Assert.That(ChatId.TryParse(canonical.AsSpan(), out var again, out _), Is.True, canonical);
            Assert.That(again, Is.EqualTo(chat));
            Assert.That(again.ToString(), Is.EqualTo(canonical));
        }
    }

    [Test]
    public void No_input_makes_the_parser_throw()
    {
        var random = new Random(99);
        const string alphabet = "0123456789@:._-+sScCwWhatpnelidgubroxy ０١\u200B\uD800";
        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            Assert.DoesNotThrow(() => ChatId.TryParse(chars.AsSpan(), out _, out _));
        }
    }

    [Test]
    public void Parsing_a_span_allocates_nothing()
    {
        var jid = "34600123456:12@s.whatsapp.net";
        var parsed = ChatId.TryParse(jid.AsSpan(), out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            parsed &= ChatId.TryParse(jid.AsSpan(), out _, out _);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(parsed, Is.True);
        Assert.That(allocated, Is.Zero);
    }

    internal static string RandomDigits(Random random, int count)
    {
        var chars = new char[count];
        chars[0] = (char)('1' + random.Next(9));
        for (var i = 1; i < count; i++)
        {
            chars[i] = (char)('0' + random.Next(10));
        }

        return new string(chars);
    }
}
