using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>
/// <c>audit_retention_days</c> (issue 13): whole old segments go once snapshots hold their state; no event newer than the
/// retention is ever dropped, nor the state the pruned ones built; what was pruned is recorded before anything goes.
/// </summary>
public class RetentionTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-retention-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static ValueTask<ServiceConversationPolicy> OpenAsync(FileServiceStateStore store, TimeProvider time)
        => new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, AuditRetentionDays = 7 })
            .WithStateStore(store).WithTimeProvider(time).WithSnapshotEvery(0).BuildAsync();

    [Test]
    public async Task Pruning_keeps_every_event_newer_than_the_retention_and_the_state_the_old_ones_built()
    {
        var time = new FakeTimeProvider(Start);
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time))
        {
            store.SegmentBytes = 2048;
            await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            await policy.RevokeAsync(Id(Vodafone), "owner"); // state built by an event that will be pruned
            for (var day = 0; day < 30; day++)
            {
                for (var i = 0; i < 5; i++)
                {
                    await policy.PauseAsync(Id(Movistar), "owner");
                    await policy.ResumeAsync(Id(Movistar), "owner");
                }

                await policy.SnapshotAsync();
                time.Advance(TimeSpan.FromDays(1));
            }

            var before = await store.ReadAllAsync();
            var kept = await policy.Probes.EncodeStateAsync();
            var swept = await policy.SweepAsync();
            var pruned = (await store.LoadAsync()).PrunedThrough;
            var after = await store.ReadAsync(pruned).ToListAsync();
            var cut = time.GetUtcNow().AddDays(-7);

            Assert.That((swept.EventsPruned, pruned), Is.EqualTo((pruned, pruned)));
            Assert.That(pruned, Is.GreaterThan(0));
            Assert.That(after.Select(e => e.Sequence), Is.EqualTo(before.Where(e => e.Sequence > pruned).Select(e => e.Sequence)), "a prefix of the log only");
            Assert.That(before.Where(e => e.Timestamp >= cut).Select(e => e.Sequence), Is.SubsetOf(after.Select(e => e.Sequence)), "nothing newer than the retention");
            Assert.That(after.Count, Is.LessThan(before.Count));
            Assert.ThrowsAsync<HistoryPrunedException>(async () => await store.ReadAsync(0).ToListAsync());
            Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, FileServiceStateStore.ManifestFileName)), Does.Contain("\"pruned_through\":" + pruned));
            Assert.That(Canonical(await policy.Probes.EncodeStateAsync()), Is.EqualTo(Canonical(kept)), "pruning history changes no state");
        }

        using var reopenedStore = FileServiceStateStore.Open(_directory);
        await using var reopened = await OpenAsync(reopenedStore, time);
        Assert.That(reopened.GetStatus(Id(Vodafone)).Status, Is.EqualTo(Hermes.ServicePolicy.Discovery.ServiceChatStatus.Revoked), "the state the pruned events built survives a restart");
    }

    [Test]
    public async Task The_sweep_forgets_idle_rate_limit_counters()
    {
        var limiter = new SlidingLogRateLimiter();
        var time = new FakeTimeProvider(Start);
        await using var policy = await new ServiceConversationPolicyBuilder().WithOptions(new ServiceConversationOptions { Enabled = true })
            .WithRateLimiter(limiter).UseInMemoryState().WithTimeProvider(time).BuildAsync();
        for (var i = 0; i < 50; i++)
        {
            var chat = Id($"3461000{i:D4}@s.whatsapp.net");
            await policy.ApproveChatAsync(chat, "owner", ServiceChatMode.Autonomous);
            Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(chat, "hola", Initiator.Agent))).IsPermitted, Is.True);
            await policy.DecideInboundAsync(new InboundMessage(chat, "gracias")); // a reply: nothing in a row any more
        }

        Assert.That(limiter.ChatCount, Is.EqualTo(50));
        time.Advance(TimeSpan.FromMinutes(61));
        await policy.SweepAsync();
        Assert.That(limiter.ChatCount, Is.EqualTo(0), "no send in the hour and none in a row: nothing to remember");
        var again = await policy.DecideOutboundAsync(new OutboundRequest(Id("34610000001@s.whatsapp.net"), "otra vez", Initiator.Agent));
        Assert.That(again.IsPermitted, Is.True, "a pruned chat counts again from zero");
    }

    private static string Canonical(byte[] encoded) => Regex.Replace(System.Text.Encoding.UTF8.GetString(encoded), "\"(awaiting_reply|position)\":\\d+", string.Empty);
}
