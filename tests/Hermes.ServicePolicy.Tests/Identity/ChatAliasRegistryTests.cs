using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Identity;

public class ChatAliasRegistryTests
{
    private static readonly ChatId Phone = ChatId.Parse("34600123456@s.whatsapp.net");
    private static readonly ChatId Lid = ChatId.Parse("111222333444555@lid");

    [Test]
    public void Links_a_phone_and_a_lid_in_either_order()
    {
        var registry = new ChatAliasRegistry();
        Assert.That(registry.TryLink(Lid, Phone), Is.EqualTo(AliasLinkOutcome.Linked));
        Assert.That(registry.GetPrimary(Lid), Is.EqualTo(Phone));
        Assert.That(registry.GetPrimary(Phone), Is.EqualTo(Phone));
        Assert.That(registry.TryGetAlias(Phone, out var alias) && alias == Lid, Is.True);
        Assert.That(registry.TryLink(Phone, Lid), Is.EqualTo(AliasLinkOutcome.AlreadyLinked));
        Assert.That(registry.GetLinks().Single(), Is.EqualTo((Phone, Lid)));
    }

    [Test]
    public void Refuses_pairs_that_are_not_one_phone_and_one_lid()
    {
        var registry = new ChatAliasRegistry();
        Assert.That(registry.TryLink(Phone, ChatId.Parse("34600999999@s.whatsapp.net")), Is.EqualTo(AliasLinkOutcome.InvalidPair));
        Assert.That(registry.TryLink(Lid, ChatId.Parse("1@lid")), Is.EqualTo(AliasLinkOutcome.InvalidPair));
        Assert.That(registry.TryLink(Phone, ChatId.Parse("120363012345678901@g.us")), Is.EqualTo(AliasLinkOutcome.InvalidPair));
        Assert.That(registry.Count, Is.Zero);
    }

    [Test]
    public void Never_moves_an_existing_link()
    {
        var registry = new ChatAliasRegistry();
        registry.TryLink(Phone, Lid);
        Assert.That(registry.TryLink(Phone, ChatId.Parse("9@lid")), Is.EqualTo(AliasLinkOutcome.Conflict));
        Assert.That(registry.TryLink(ChatId.Parse("34600999999@s.whatsapp.net"), Lid), Is.EqualTo(AliasLinkOutcome.Conflict));
        Assert.That(registry.GetPrimary(Lid), Is.EqualTo(Phone));
    }

    [Test]
    public void Concurrent_links_of_one_lid_leave_exactly_one_winner()
    {
        var registry = new ChatAliasRegistry();
        var outcomes = new AliasLinkOutcome[64];
        Parallel.For(0, outcomes.Length, i => outcomes[i] = registry.TryLink(ChatId.FromPhoneNumber(34600000000UL + (ulong)i), Lid));
        Assert.That(outcomes.Count(o => o == AliasLinkOutcome.Linked), Is.EqualTo(1));
        Assert.That(registry.Count, Is.EqualTo(1));
    }
}
