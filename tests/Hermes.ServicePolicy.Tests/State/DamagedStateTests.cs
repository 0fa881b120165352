using System;
using System.Collections.Generic;
using System.Threading;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>
/// A damaged state directory never opens more permissive than it was (issue 11, item 2; SPEC.md "Durability"):
/// real files, damaged the ways an attack review tried, each refused with the file and the damage named, and nothing
/// rewritten. Only the torn tail of an append that was never acknowledged may be dropped.
/// </summary>
public class DamagedStateTests
{
    private static readonly ChatId Revoked = ChatId.Parse("34610000111@s.whatsapp.net");
    private string _directory = null!;

    private string LogPath => Path.Combine(_directory, FileServiceStateStore.LogFileName);

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-damage-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    /// <summary>A service chat, then revoked, then a clean shutdown: the state a damaged log must never undo.</summary>
    private async Task WriteRevokedChatAsync()
    {
        await using var policy = await BuildAsync();
        Assert.That((await policy.ApproveChatAsync(Revoked, "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        Assert.That((await policy.RevokeAsync(Revoked, "owner")).Ok, Is.True);
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Revoked, "hola"))).Reason, Is.EqualTo(ReasonCode.Revoked));
    }

    private ValueTask<ServiceConversationPolicy> BuildAsync(TimeProvider? time = null)
        => new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, StateDirectory = _directory })
            .WithTimeProvider(time ?? new FakeTimeProvider(PolicyHarness.Start))
            .BuildAsync();

    public static TestCaseData[] Damages() =>
    [
        new TestCaseData((Func<byte[], byte[]?>)(log => Flip(log, log.Length - 20)), "checksum").SetName("A flipped bit in the last complete record"),
        new TestCaseData((Func<byte[], byte[]?>)(log => log[..^1]), "ends inside a record").SetName("A missing final newline"),
        new TestCaseData((Func<byte[], byte[]?>)(_ => []), "emptied").SetName("An emptied log"),
        new TestCaseData((Func<byte[], byte[]?>)(log => new byte[log.Length]), "missing newline").SetName("A zero-filled log"),
        new TestCaseData((Func<byte[], byte[]?>)(_ => "garbage garbage garbage\n"u8.ToArray()), "damaged").SetName("A log replaced by a line of garbage"),
        new TestCaseData((Func<byte[], byte[]?>)(_ => null), "missing").SetName("A deleted log while the checkpoint remains"),
        new TestCaseData((Func<byte[], byte[]?>)(log => log[..(Array.LastIndexOf(log, (byte)'\n', log.Length - 2) + 1)]), "cut").SetName("A log cut at a record boundary after a clean shutdown"),
        new TestCaseData((Func<byte[], byte[]?>)(log => log[..(Array.IndexOf(log, (byte)'\n') + 1)]), "cut").SetName("A log cut to its first record"),
    ];

    [TestCaseSource(nameof(Damages))]
    public async Task A_damaged_log_stops_the_store_from_opening_and_nothing_is_rewritten(Func<byte[], byte[]?> damage, string named)
    {
        await WriteRevokedChatAsync();
        var damaged = damage(await File.ReadAllBytesAsync(LogPath));
        if (damaged is null)
        {
            File.Delete(LogPath);
        }
        else
        {
            await File.WriteAllBytesAsync(LogPath, damaged);
        }

        var ex = Assert.ThrowsAsync<StateStoreCorruptedException>(async () => await BuildAsync());
        Assert.That(ex!.Message, Does.Contain(LogPath).And.Contain(named));
        if (damaged is null)
        {
            Assert.That(File.Exists(LogPath), Is.False, "no empty log was created in its place");
        }
        else
        {
            Assert.That(await File.ReadAllBytesAsync(LogPath), Is.EqualTo(damaged), "nothing was truncated or rewritten");
        }

        Assert.Throws<StateStoreCorruptedException>(() => FileServiceStateStore.Open(_directory).Dispose(), "and it stays refused");
    }

    [Test]
    public async Task After_a_crash_a_complete_last_record_with_a_bad_checksum_is_damage_not_a_torn_tail()
    {
        // The store alone (a policy's clean shutdown would snapshot and start a new segment): appends after the mark of
        // the last open, as if the process had died before its clean shutdown, then a flipped bit in the last record.
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await store.AppendAsync([RevokedEvent(1)]);
        }

        var mark = await File.ReadAllBytesAsync(Path.Combine(_directory, "log.mark"));
        var before = (await File.ReadAllBytesAsync(LogPath)).Length;
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await store.AppendAsync([RevokedEvent(2)]);
        }

        await File.WriteAllBytesAsync(Path.Combine(_directory, "log.mark"), mark);
        var log = await File.ReadAllBytesAsync(LogPath);
        Assert.That(log.Length, Is.GreaterThan(before));
        await File.WriteAllBytesAsync(LogPath, Flip(log, log.Length - 10));

        var ex = Assert.Throws<StateStoreCorruptedException>(() => FileServiceStateStore.Open(_directory));
        Assert.That(ex!.Message, Does.Contain("checksum"));
    }

    [Test]
    public async Task After_a_crash_a_zero_filled_tail_past_the_mark_is_dropped()
    {
        await WriteRevokedChatAsync();
        var active = ActiveLogPath();
        var log = await File.ReadAllBytesAsync(active);
        await File.WriteAllBytesAsync(active, [.. log, .. new byte[4096]]);

        await using var policy = await BuildAsync();
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Revoked, "hola"))).Reason, Is.EqualTo(ReasonCode.Revoked));
        Assert.That((await File.ReadAllBytesAsync(active)).Length, Is.GreaterThanOrEqualTo(log.Length));
    }

    private static PolicyEvent RevokedEvent(long sequence)
        => new() { Sequence = sequence, Type = PolicyEventType.ChatRevoked, Timestamp = PolicyHarness.Start, Chat = Revoked, Actor = "owner" };

    /// <summary>The segment appends go to: the one with the highest first event.</summary>
    private string ActiveLogPath()
        => Directory.GetFiles(_directory, "events*.log").OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).Last();

    [Test]
    public async Task A_damaged_mark_is_damage_too()
    {
        await WriteRevokedChatAsync();
        await File.WriteAllTextAsync(Path.Combine(_directory, "log.mark"), "{\"length\":");
        var ex = Assert.ThrowsAsync<StateStoreCorruptedException>(async () => await BuildAsync());
        Assert.That(ex!.Message, Does.Contain("log.mark"));
    }

    [Test]
    public async Task A_directory_written_before_marks_existed_still_opens()
    {
        await WriteRevokedChatAsync();
        File.Delete(Path.Combine(_directory, "log.mark"));
        await using var policy = await BuildAsync();
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Revoked, "hola"))).Reason, Is.EqualTo(ReasonCode.Revoked));
        Assert.That(File.Exists(Path.Combine(_directory, "log.mark")), Is.True, "and is marked from now on");
    }

    [Test]
    public async Task While_counters_cannot_be_saved_autonomous_sends_fail_closed()
    {
        var chat = ChatId.Parse("34607000111@s.whatsapp.net");
        var failures = 0;
        var store = new CountersFailingStore();
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true })
            .WithStateStore(store)
            .WithTimeProvider(new FakeTimeProvider(PolicyHarness.Start))
            .OnFailure(_ => failures++)
            .BuildAsync();
        await policy.ApproveChatAsync(chat, "owner", ServiceChatMode.Autonomous);
        Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(chat, "1", Initiator.Agent))).Outcome, Is.EqualTo(OutboundOutcome.Permitted));

        // The counters record cannot be appended (a disk that fills up between two changes).
        store.FailCounters = true;
        await policy.FlushAsync();
        Assert.That(failures, Is.GreaterThan(0));
        var denied = await policy.DecideOutboundAsync(new OutboundRequest(chat, "2", Initiator.Agent));
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(denied.Error, Is.Not.Null);

        store.FailCounters = false;
        await policy.FlushAsync();
        Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(chat, "3", Initiator.Agent))).Outcome, Is.EqualTo(OutboundOutcome.Permitted));
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x04;
        return copy;
    }

    /// <summary>A store whose appends of counters records fail on demand.</summary>
    private sealed class CountersFailingStore : DelegatingStateStore
    {
        public bool FailCounters { get; set; }

        public override ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
            => FailCounters && events.Any(e => e.Type == PolicyEventType.CountersSaved)
                ? ValueTask.FromException<AppendResult>(new IOException("No space left on device"))
                : base.AppendAsync(expectedPosition, events, cancellationToken);
    }
}
