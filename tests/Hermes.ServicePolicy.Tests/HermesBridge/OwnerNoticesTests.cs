#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Gateway.Routing;
using Hermes.ServicePolicy.HermesBridge.Transport;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The owner's notices across a restart of the gateway: one that may have reached the owner is offered again marked,
/// by a new process too, and the position file keeps the one-number format an older gateway reads.
/// </summary>
public class OwnerNoticesTests : GatewayTestBase
{
    [Test]
    public async Task A_notice_that_may_have_arrived_is_marked_when_a_restarted_gateway_offers_it_again()
    {
        await using var h = await CreateAsync(o => o.OperatorChats = [Owner]);
        var draft = await h.SendAsync(Movistar, "Hola");
        await using var services = new ServiceCollection().AddHermesBridge(o => o.BaseAddress = Bridge.Address).BuildServiceProvider();
        var client = services.GetRequiredService<HermesBridgeClient>();
        var activity = new List<string>();

        Bridge.NextSendResets = true;
        var first = new OwnerNotices(new HermesBridgeTransport(client), JournalDirectory, (kind, _, outcome, _) => activity.Add($"{kind}:{outcome}"));
        Assert.That(await first.ForwardAsync(h.Policy, default), Is.False, "the POST got no answer");
        Assert.That(File.Exists(Path.Combine(JournalDirectory, "notices.maybe-seen")), Is.True);

        var restarted = new OwnerNotices(new HermesBridgeTransport(client), JournalDirectory, (kind, _, outcome, _) => activity.Add($"{kind}:{outcome}"));
        Assert.That(await restarted.ForwardAsync(h.Policy, default), Is.True);
        var toOwner = Bridge.Sent.Where(s => s.ChatId == Owner).Select(s => s.Message).ToList();
        Assert.That(toOwner, Has.Count.EqualTo(2));
        Assert.That(toOwner[1], Does.StartWith(OwnerNotices.MayRepeat + "\n").And.Contain($"approve {draft.Handle}"));
        Assert.That(activity, Is.EqualTo(new[] { "notice:unknown", "notice:draft_created" }));
        Assert.That(File.Exists(Path.Combine(JournalDirectory, "notices.maybe-seen")), Is.False, "delivered: nothing is uncertain any more");
        Assert.That(long.TryParse(await File.ReadAllTextAsync(Path.Combine(JournalDirectory, "notices.position")), out _), Is.True, "one number, as before");

        Assert.That(await restarted.ForwardAsync(h.Policy, default), Is.True);
        Assert.That(Bridge.Sent.Count(s => s.ChatId == Owner), Is.EqualTo(2), "a delivered notice is not sent again");
    }
}
#endif
