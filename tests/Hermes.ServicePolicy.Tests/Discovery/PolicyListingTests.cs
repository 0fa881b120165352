using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Discovery;

/// <summary>The safe listing with the policy's service status attached.</summary>
public class PolicyListingTests
{
    [Test]
    public async Task Lists_each_chats_service_status()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Orange]);
        var ts = Start.ToUnixTimeSeconds();
        h.Recent.Replace([
            new RecentChat(Movistar, "Movistar", false, ts - 10),
            new RecentChat(Vodafone, "Vodafone", false, ts - 20),
            new RecentChat(Orange, "Orange", false, ts - 30),
            new RecentChat("34600111222@s.whatsapp.net", "Mamá", false, ts - 40),
            new RecentChat("34600333444@s.whatsapp.net", "Blocked friend", false, ts - 50),
        ]);
        await h.StartConversationAsync(Movistar);
        await h.SendAsync(Vodafone);
        await h.InboundAsync("34600333444@s.whatsapp.net");
        var listing = await h.Policy.Directory.ListAsync();
        Assert.That(listing.Select(c => (c.Name, c.Status)), Is.EqualTo(new[]
        {
            ("Movistar", ServiceChatStatus.DraftFirst),
            ("Vodafone", ServiceChatStatus.Pending),
            ("Orange", ServiceChatStatus.DraftFirst),
            ("Mamá", ServiceChatStatus.None),
            ("Blocked friend", ServiceChatStatus.Blocked),
        }));
    }

    [Test]
    public async Task Known_service_chats_and_recently_blocked_chats_are_listed_even_when_the_host_forgot_them()
    {
        await using var h = await CreateAsync();
        h.Recent.Replace([new RecentChat(Movistar, "Movistar", false, Start.ToUnixTimeSeconds() - 3600)]);
        await h.Policy.Directory.ListAsync(); // the host shows the name once; the policy remembers it
        await h.StartConversationAsync(Movistar);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.InboundAsync("34600333444@s.whatsapp.net");
        h.Recent.Replace([]);

        var listing = await h.Policy.Directory.ListAsync();
        Assert.That(listing.Select(c => (c.Chat.ToString(), c.Status)), Is.EqualTo(new[]
        {
            ("34600333444@s.whatsapp.net", ServiceChatStatus.Blocked),
            (Movistar, ServiceChatStatus.DraftFirst),
        }));
        Assert.That(listing[1].Name, Is.EqualTo("Movistar"));
        Assert.That(listing[0].LastActivity, Is.EqualTo(Start.AddMinutes(5)), "activity is the time of the last event");
        Assert.That((await h.Policy.Resolver.ResolveAsync("Movistar")).Chat.ToString(), Is.EqualTo(Movistar), "service chats are found by their last known name");

        h.Time.Advance(TimeSpan.FromDays(8));
        Assert.That((await h.Policy.Directory.ListAsync()).Select(c => c.Chat.ToString()), Is.EqualTo(new[] { Movistar }), "a block older than 7 days drops out");
    }

    [Test]
    public async Task A_linked_lid_in_the_hosts_list_is_shown_as_its_phone_chat()
    {
        await using var h = await CreateAsync();
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        h.Recent.Replace([new RecentChat(MovistarLid, "Movistar", false, 100)]);
        var only = (await h.Policy.Directory.ListAsync()).Single();
        Assert.That(only.Chat.ToString(), Is.EqualTo(Movistar));
        Assert.That(only.Kind, Is.EqualTo(Hermes.ServicePolicy.Identity.ChatKind.Phone));
    }
}
