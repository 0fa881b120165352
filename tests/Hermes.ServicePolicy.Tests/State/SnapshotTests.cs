using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>
/// Snapshots and the log after them rebuild exactly the state a full replay does (issue 13; SPEC.md "History,
/// snapshots and more than one process"), a damaged or half-written snapshot is never trusted, and start-up reads
/// the snapshot instead of history.
/// </summary>
public class SnapshotTests
{
    private static readonly string[] Chats = [Movistar, Vodafone, Orange, "34699000111@s.whatsapp.net", "34688000111@s.whatsapp.net"];
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-snapshot-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static ValueTask<ServiceConversationPolicy> OpenAsync(IServiceStateStore store, TimeProvider time, long snapshotEvery = 0)
        => new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 3, MaxConsecutiveAgentSendsWithoutReply = 2, RequireExplicitApprovalForFirstContact = true })
            .WithStateStore(store).WithTimeProvider(time).WithSnapshotEvery(snapshotEvery).BuildAsync();

    /// <summary>Runs a random history of operator actions, drafts, sends and their reports, inbound messages and time, snapshotting at random.</summary>
    private static async Task RunRandomHistoryAsync(ServiceConversationPolicy policy, FakeTimeProvider time, Random random, int steps)
    {
        var drafts = new List<DraftId>();
        var sends = new List<SendId>();
        for (var i = 0; i < steps; i++)
        {
            var chat = Id(Chats[random.Next(Chats.Length)]);
            switch (random.Next(12))
            {
                case 0: await policy.ApproveChatAsync(chat, "owner", (ServiceChatMode)random.Next(3)); break;
                case 1: await policy.RevokeAsync(chat, "owner"); break;
                case 2: await policy.PauseAsync(chat, "owner"); break;
                case 3: await policy.ResumeAsync(chat, "owner"); break;
                case 4:
                    var draft = await policy.DecideOutboundAsync(new OutboundRequest(chat, $"hola {i}", Initiator.Operator, SessionId: $"s{i}"));
                    if (!draft.Draft.IsEmpty) drafts.Add(draft.Draft);
                    if (!draft.Send.IsEmpty) sends.Add(draft.Send);
                    break;
                case 5 when drafts.Count > 0:
                    var approved = await policy.ApproveDraftAsync(drafts[random.Next(drafts.Count)], "owner");
                    if (!approved.Send.IsEmpty) sends.Add(approved.Send);
                    break;
                case 6 when drafts.Count > 0: await policy.RejectDraftAsync(drafts[random.Next(drafts.Count)], "owner"); break;
                case 7:
                    var auto = await policy.DecideOutboundAsync(new OutboundRequest(chat, $"auto {i}", Initiator.Agent));
                    if (!auto.Send.IsEmpty) sends.Add(auto.Send);
                    break;
                case 8 when sends.Count > 0:
                    var send = sends[random.Next(sends.Count)];
                    await policy.ConfirmSendAsync(send, random.Next(3) switch { 0 => SendReport.Delivered("m" + i), 1 => SendReport.Failed("503"), _ => SendReport.Unknown("timeout") });
                    break;
                case 9: await policy.DecideInboundAsync(new InboundMessage(random.Next(2) == 0 ? chat : Id($"3460{random.Next(100, 999)}000111@s.whatsapp.net"), "hola")); break;
                case 10: time.Advance(TimeSpan.FromMinutes(random.Next(1, 90))); await policy.SweepAsync(); break;
                default:
                    if (random.Next(3) == 0) await policy.FlushAsync();
                    if (random.Next(3) == 0) await policy.SnapshotAsync();
                    break;
            }
        }

        await policy.FlushAsync();
    }

    // Whether a chat waits for a reply is a conservative cache (a restarted policy may re-check once): not state.
    private static string Canonical(byte[] encoded) => Regex.Replace(Encoding.UTF8.GetString(encoded), "\"awaiting_reply\":\\d", string.Empty);

    [Test]
    public async Task Snapshot_plus_tail_equals_a_full_replay_over_random_histories()
    {
        for (var seed = 1; seed <= 25; seed++)
        {
            var random = new Random(seed);
            var time = new FakeTimeProvider(Start);
            var store = new InMemoryServiceStateStore();
            await using (var writer = await OpenAsync(store, time, snapshotEvery: 0))
            {
                await RunRandomHistoryAsync(writer, time, random, 120);
                await writer.SnapshotAsync();
                await RunRandomHistoryAsync(writer, time, random, random.Next(0, 40)); // a tail after the last snapshot
                await writer.FlushAsync();
                var full = new InMemoryServiceStateStore();
                await full.AppendAsync(store.Events);

                await using var fromSnapshot = await OpenAsync(store, time);
                await using var fromReplay = await OpenAsync(full, time);
                Assert.That(store.Snapshots, Is.Not.Empty);

                // What the sweep forgets (idle block trackers, old marks) makes no decision differ: compare after it.
                await fromSnapshot.SweepAsync();
                await fromReplay.SweepAsync();
                await writer.SweepAsync();
                Assert.That(Canonical(await fromSnapshot.Probes.EncodeStateAsync()), Is.EqualTo(Canonical(await fromReplay.Probes.EncodeStateAsync())), $"seed {seed}");
                Assert.That(Regex.Replace(Canonical(await fromSnapshot.Probes.EncodeStateAsync()), "\"position\":\\d+", string.Empty),
                    Is.EqualTo(Regex.Replace(Canonical(await writer.Probes.EncodeStateAsync()), "\"position\":\\d+", string.Empty)), $"seed {seed}: the restarted state is the writer's");
            }
        }
    }

    [Test]
    public async Task A_clean_shutdown_leaves_nothing_to_replay()
    {
        var time = new FakeTimeProvider(Start);
        using (var writerStore = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(writerStore, time))
        {
            await RunRandomHistoryAsync(policy, time, new Random(7), 200);
        }

        using var store = FileServiceStateStore.Open(_directory);
        var loaded = await store.LoadAsync();
        Assert.That(loaded.Snapshot!.Position, Is.EqualTo(loaded.Head));
        Assert.That(await store.ReadAsync(loaded.Snapshot.Position).ToListAsync(), Is.Empty, "start-up reads the snapshot and no history");
        Assert.That(store.SegmentCount, Is.GreaterThanOrEqualTo(2), "a new segment starts after each snapshot");
    }

    [Test]
    public async Task A_damaged_newest_snapshot_falls_back_to_the_older_one_and_the_log()
    {
        var time = new FakeTimeProvider(Start);
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time))
        {
            await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            await policy.SnapshotAsync();
            await policy.RevokeAsync(Id(Movistar), "owner");
        }

        var snapshots = Directory.GetFiles(Path.Combine(_directory, FileServiceStateStore.SnapshotDirectoryName)).Order(StringComparer.Ordinal).ToArray();
        Assert.That(snapshots, Has.Length.EqualTo(2));
        var newest = await File.ReadAllBytesAsync(snapshots[^1]);
        newest[^5] ^= 0x20;
        await File.WriteAllBytesAsync(snapshots[^1], newest);

        using var again = FileServiceStateStore.Open(_directory);
        await using var reopened = await OpenAsync(again, time);
        Assert.That(reopened.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked), "the revocation after the older snapshot is replayed from the log");
    }

    [Test]
    public async Task A_snapshot_cut_at_any_point_of_its_writing_leaves_a_state_that_opens()
    {
        var time = new FakeTimeProvider(Start);
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time))
        {
            await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            await policy.RevokeAsync(Id(Movistar), "owner");
        }

        var path = Directory.GetFiles(Path.Combine(_directory, FileServiceStateStore.SnapshotDirectoryName)).Single();
        var whole = await File.ReadAllBytesAsync(path);
        for (var cut = 0; cut < whole.Length; cut += Math.Max(1, whole.Length / 40))
        {
            // A crash mid-write leaves a temporary file (renamed only once complete) or, on a file system that reorders, a short file.
            await File.WriteAllBytesAsync(path + ".tmp", whole[..cut]);
            await File.WriteAllBytesAsync(path, whole[..cut]);
            using (var store = FileServiceStateStore.Open(_directory))
            await using (var reopened = await OpenAsync(store, time, snapshotEvery: 0))
            {
                Assert.That(reopened.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked), $"cut at {cut}");
            }

            await File.WriteAllBytesAsync(path, whole);
            File.Delete(path + ".tmp");
        }
    }

    [Test]
    public async Task A_directory_of_the_previous_release_opens_with_its_mark_and_checkpoint()
    {
        // Written as the previous release wrote it: one events.log, a version-1 log.mark, a checkpoint.json.
        var revoked = new PolicyEvent { Sequence = 1, Type = PolicyEventType.ChatRevoked, Timestamp = Start, Chat = Id(Movistar), Actor = "owner" };
        var record = FileRecords.Encode([revoked], out var crc);
        await File.WriteAllBytesAsync(Path.Combine(_directory, "events.log"), record);
        await File.WriteAllTextAsync(Path.Combine(_directory, "log.mark"), $"{{\"length\":{record.Length},\"sequence\":1,\"last_crc\":\"{crc:x8}\"}}");
        await File.WriteAllTextAsync(Path.Combine(_directory, "checkpoint.json"), $"{{\"taken_at\":{Start.UtcTicks},\"chats\":[],\"blocks\":[]}}");

        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, new FakeTimeProvider(Start)))
        {
            Assert.That(policy.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked));
        }

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, "log.mark")), Does.Contain("\"version\":2"), "migrated to the segment manifest");
        using var reopenedStore = FileServiceStateStore.Open(_directory);
        await using var again = await OpenAsync(reopenedStore, new FakeTimeProvider(Start));
        Assert.That(again.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked));
    }

    [Test]
    public async Task Concurrent_changes_share_flushes_and_each_is_durable_when_it_returns()
    {
        var time = new FakeTimeProvider(Start);
        using var store = FileServiceStateStore.Open(_directory);
        await using var policy = await OpenAsync(store, time);
        var before = store.FlushCount;
        var chats = Enumerable.Range(0, 400).Select(i => Id($"346{i:D8}@s.whatsapp.net")).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (var i = caller; i < chats.Length; i += 8)
            {
                Assert.That((await policy.ApproveChatAsync(chats[i], "owner")).Ok, Is.True);
            }
        })));

        var flushes = store.FlushCount - before;
        Assert.That(flushes, Is.LessThanOrEqualTo(chats.Length));
        var durable = await store.ReadAllAsync();
        Assert.That(durable.Count(e => e.Type == PolicyEventType.ChatApproved), Is.EqualTo(chats.Length), "every acknowledged change is in the durable log");
        TestContext.Out.WriteLine($"{chats.Length} changes from 8 callers took {flushes} flushes");
    }
}
