using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Discovery;

public class ChatDirectoryTests
{
    private static ChatDirectory Over(params RecentChat[] chats)
    {
        var source = new InMemoryRecentChatSource();
        source.Replace(chats);
        return new ChatDirectory(source);
    }

    [Test]
    public async Task Lists_one_to_one_chats_most_recent_first_and_leaves_groups_out()
    {
        var directory = Over(
            new RecentChat("34600111222@s.whatsapp.net", "Mamá", false, 300),
            new RecentChat("120363012345678901@g.us", "Familia", true, 400),
            new RecentChat("status@broadcast", "Status", false, 500),
            new RecentChat("120363144038483540@newsletter", "News", false, 600),
            new RecentChat("34610000111@s.whatsapp.net", "Movistar", false, 200));
        var listing = await directory.ListAsync();
        Assert.That(listing.Select(c => c.Chat.ToString()), Is.EqualTo(new[] { "34600111222@s.whatsapp.net", "34610000111@s.whatsapp.net" }));
        Assert.That(listing[0].LastActivity!.Value.ToUnixTimeSeconds(), Is.EqualTo(300));
    }

    [Test]
    public async Task Includes_groups_broadcasts_and_newsletters_when_asked()
    {
        var directory = Over(
            new RecentChat("120363012345678901@g.us", "Familia", true, 400),
            new RecentChat("status@broadcast", "Status", false, 500),
            new RecentChat("120363144038483540@newsletter", "News", false, 600));
        var listing = await directory.ListAsync(includeGroups: true);
        Assert.That(listing.Select(c => c.Kind), Is.EqualTo(new[] { ChatKind.Newsletter, ChatKind.Broadcast, ChatKind.Group }));
    }

    [Test]
    public async Task Ties_are_broken_by_canonical_id_and_unknown_activity_sorts_last()
    {
        var directory = Over(
            new RecentChat("34600000002@s.whatsapp.net", "B", false, 100),
            new RecentChat("34600000003@s.whatsapp.net", "C", false, null),
            new RecentChat("34600000001@s.whatsapp.net", "A", false, 100));
        var listing = await directory.ListAsync();
        Assert.That(listing.Select(c => c.Name), Is.EqualTo(new[] { "A", "B", "C" }));
    }

    [TestCase(0, 1)]
    [TestCase(-5, 1)]
    [TestCase(3, 3)]
    [TestCase(1000, 200)]
    public async Task Clamps_the_limit_to_1_to_200(int limit, int expected)
    {
        var chats = Enumerable.Range(0, 250).Select(i => new RecentChat($"3460000{i:0000}@s.whatsapp.net", $"C{i}", false, i)).ToArray();
        Assert.That((await Over(chats).ListAsync(limit)).Count, Is.EqualTo(expected));
    }

    [Test]
    public async Task The_default_limit_is_20()
    {
        var chats = Enumerable.Range(0, 50).Select(i => new RecentChat($"3460000{i:0000}@s.whatsapp.net", $"C{i}", false, i)).ToArray();
        Assert.That((await Over(chats).ListAsync()).Count, Is.EqualTo(20));
    }

    [Test]
    public async Task Sanitises_names_and_cuts_them_to_64_characters()
    {
        var directory = Over(
            new RecentChat("34600000001@s.whatsapp.net", "Mo\u202Evistar\u200B\u0007 \n Soporte", false, 2),
            new RecentChat("34600000002@s.whatsapp.net", new string('x', 100), false, 1),
            new RecentChat("34600000003@s.whatsapp.net", new string('a', 63) + "\U0001F600", false, 0));
        var listing = await directory.ListAsync();
        Assert.That(listing[0].Name, Is.EqualTo("Movistar Soporte"));
        Assert.That(listing[1].Name, Has.Length.EqualTo(64));
        Assert.That(listing[2].Name, Is.EqualTo(new string('a', 63)), "a surrogate pair is never split");
    }

    [Test]
    public async Task Skips_entries_that_do_not_parse()
    {
        var directory = Over(
            new RecentChat("not-a-jid", "X", false, 5),
            new RecentChat("abc@s.whatsapp.net", "Y", false, 4),
            new RecentChat("34600000001@s.whatsapp.net", "Z", false, 3));
        Assert.That((await directory.ListAsync()).Single().Name, Is.EqualTo("Z"));
    }

    [Test]
    public async Task Merges_two_spellings_of_one_chat()
    {
        var directory = Over(
            new RecentChat("34600000001@c.us", "", false, 5),
            new RecentChat("34600000001:3@s.whatsapp.net", "Z", false, 9));
        var only = (await directory.ListAsync()).Single();
        Assert.That(only.Name, Is.EqualTo("Z"));
        Assert.That(only.LastActivity!.Value.ToUnixTimeSeconds(), Is.EqualTo(9));
    }

    [Test]
    public async Task Without_a_policy_every_status_is_none()
    {
        var listing = await Over(new RecentChat("34600000001@s.whatsapp.net", "Z", false, 3)).ListAsync();
        Assert.That(listing.Single().Status, Is.EqualTo(ServiceChatStatus.None));
    }
}
