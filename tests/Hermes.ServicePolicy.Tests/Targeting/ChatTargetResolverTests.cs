using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Targeting;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Targeting;

public class ChatTargetResolverTests
{
    private static ChatTargetResolver ResolverOver(params RecentChat[] chats)
    {
        var source = new InMemoryRecentChatSource();
        source.Replace(chats);
        return new ChatTargetResolver(new ChatDirectory(source));
    }

    private static RecentChat Chat(string jid, string name, long ts = 1_700_000_000) => new(jid, name, false, ts);

    [TestCase("Movistar")]
    [TestCase("movistar")]
    [TestCase("MOVISTAR")]
    [TestCase("  Movistar  ")]
    [TestCase("Movi\u200Bstar")]
    public async Task Resolves_an_exact_name_after_normalisation(string query)
    {
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "Movistar"), Chat("34600111222@s.whatsapp.net", "Mamá"));
        var result = await resolver.ResolveAsync(query);
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Resolved), result.Explain());
        Assert.That(result.Chat.ToString(), Is.EqualTo("34610000111@s.whatsapp.net"));
    }

    [Test]
    public async Task Collapses_white_space_inside_names()
    {
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "Soporte   Técnico"));
        Assert.That((await resolver.ResolveAsync("soporte técnico")).IsResolved, Is.True);
        Assert.That((await resolver.ResolveAsync("Soporte\tTécnico")).IsResolved, Is.True);
    }

    [Test]
    public async Task Composed_and_decomposed_accents_match()
    {
        var resolver = ResolverOver(Chat("34600111222@s.whatsapp.net", "Mam\u00E1"));
        Assert.That((await resolver.ResolveAsync("Mama\u0301")).IsResolved, Is.True);
    }

    [Test]
    public async Task Full_width_letters_are_a_look_alike_not_an_exact_match()
    {
        // SPEC.md matches names after NFC, which keeps full-width letters apart; they still look alike.
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "Movistar"));
        var result = await resolver.ResolveAsync("Ｍｏｖｉｓｔａｒ");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Ambiguous), result.Explain());
        Assert.That(result.Candidates.Select(c => c.ToString()), Is.EqualTo(new[] { "34610000111@s.whatsapp.net" }));
    }

    [TestCase("Movi")]
    [TestCase("Movistar ES")]
    [TestCase("star")]
    [TestCase("Movistr")]
    public async Task Never_matches_by_prefix_or_substring(string query)
    {
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "Movistar"));
        Assert.That((await resolver.ResolveAsync(query)).Kind, Is.EqualTo(TargetResolutionKind.NotFound));
    }

    [Test]
    public async Task Two_chats_with_the_same_name_are_ambiguous_in_listing_order()
    {
        var resolver = ResolverOver(
            Chat("34610000111@s.whatsapp.net", "Movistar", 100),
            Chat("34610000222@s.whatsapp.net", "movistar", 200));
        var result = await resolver.ResolveAsync("Movistar");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Ambiguous));
        Assert.That(result.Candidates.Select(c => c.ToString()), Is.EqualTo(new[] { "34610000222@s.whatsapp.net", "34610000111@s.whatsapp.net" }));
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.AmbiguousTarget));
        Assert.That(result.Explain(), Does.Contain("34610000222@s.whatsapp.net"));
    }

    [Test]
    public async Task A_lone_lookalike_match_is_ambiguous_with_that_candidate()
    {
        // "Vodafone" with a Cyrillic о.
        var resolver = ResolverOver(Chat("34607000111@s.whatsapp.net", "V\u043Edafone"));
        var result = await resolver.ResolveAsync("Vodafone");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Ambiguous));
        Assert.That(result.Candidates.Single().ToString(), Is.EqualTo("34607000111@s.whatsapp.net"));
    }

    [Test]
    public async Task An_exact_match_with_a_lookalike_beside_it_is_ambiguous()
    {
        var resolver = ResolverOver(
            Chat("34607000111@s.whatsapp.net", "Vodafone", 300),
            Chat("34607000222@s.whatsapp.net", "V\u043Ed\u0430fone", 200)); // Cyrillic о and а
        var result = await resolver.ResolveAsync("Vodafone");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Ambiguous));
        Assert.That(result.Candidates, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Greek_lookalikes_are_ambiguous_too()
    {
        var resolver = ResolverOver(Chat("34607000111@s.whatsapp.net", "M\u03BFvistar")); // Greek omicron
        Assert.That((await resolver.ResolveAsync("Movistar")).Kind, Is.EqualTo(TargetResolutionKind.Ambiguous));
    }

    [Test]
    public async Task A_name_no_chat_has_is_not_found()
    {
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "Movistar"));
        var result = await resolver.ResolveAsync("Orange");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.NotFound));
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.TargetNotFound));
    }

    [Test]
    public async Task Addresses_win_over_names_and_invalid_addresses_never_fall_back_to_names()
    {
        var resolver = ResolverOver(Chat("34610000111@s.whatsapp.net", "600 12 34 56"));
        var result = await resolver.ResolveAsync("600 12 34 56");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Invalid));
        Assert.That(result.Error, Is.EqualTo(TargetError.NationalNumber));
    }

    [Test]
    public async Task A_jid_resolves_without_any_recent_chat()
    {
        var resolver = new ChatTargetResolver(null);
        Assert.That((await resolver.ResolveAsync("34600123456@c.us")).Chat.ToString(), Is.EqualTo("34600123456@s.whatsapp.net"));
        Assert.That((await resolver.ResolveAsync("Movistar")).Kind, Is.EqualTo(TargetResolutionKind.NotFound));
    }

    [Test]
    public async Task Entries_that_do_not_parse_are_never_candidates()
    {
        var resolver = ResolverOver(new RecentChat("garbage", "Movistar"), Chat("34610000111@s.whatsapp.net", "Movistar"));
        Assert.That((await resolver.ResolveAsync("Movistar")).IsResolved, Is.True);
    }
}
