using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
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

/// <summary>The policy over the file store: restarts, crashes (real processes, killed), counters, a full disk.</summary>
public class DurabilityTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-durable-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static async Task<ServiceConversationPolicy> OpenAsync(FileServiceStateStore store, FakeTimeProvider time, Action<ServiceConversationOptions>? configure = null)
    {
        var options = new ServiceConversationOptions { Enabled = true };
        configure?.Invoke(options);
        return await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(time).WithOptions(options).BuildAsync();
    }

    [TestCase(10_000, TestName = "Every acknowledged change survives a process killed at random points")]
    [TestCase(20, TestName = "Every acknowledged change survives a process killed at random points while it snapshots and rolls segments")]
    public async Task Every_acknowledged_change_survives_a_process_killed_at_random_points(long snapshotEvery)
    {
        var writer = Path.Combine(TestContext.CurrentContext.TestDirectory, "hermes-crash-writer.dll");
        Assert.That(File.Exists(writer), Is.True, writer);
        var random = new Random(20261124);
        var acknowledged = new List<long>();
        long next = 0;
        for (var run = 0; run < 12; run++)
        {
            var start = new ProcessStartInfo("dotnet", [writer, _directory, next.ToString(System.Globalization.CultureInfo.InvariantCulture), snapshotEvery.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                UseShellExecute = false,
            };
            using var child = Process.Start(start)!;
            var ready = await child.NextLineAsync();
            if (ready != "ready")
            {
                Assert.Fail($"the writer did not start: '{ready}'");
            }

            var acks = new List<long>();
            var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = Task.Run(async () =>
            {
                while (await child.StandardOutput.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        lock (acks)
                        {
                            acks.Add(long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture));
                        }

                        firstAck.TrySetResult();
                    }
                }
            });
            // Kill at a random point after the first acknowledged change, however slow the machine is (the delay is the
            // crash's random timing, not a wait for something to happen).
            await firstAck.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(0, 250));
            child.Kill(entireProcessTree: true);
            await child.ExitedAsync();
            await reader.WaitAsync(ChildProcessLimits.Exit);
            Assert.That(acks, Is.Not.Empty, $"run {run}: the writer acknowledged nothing");
            acknowledged.AddRange(acks);
            next = acks.Max() + 2; // the change after the last ack may or may not have landed: start past it

            using var store = FileServiceStateStore.Open(_directory);
            await using var policy = await OpenAsync(store, new FakeTimeProvider(Start));
            foreach (var i in acknowledged)
            {
                var expected = i % 2 == 0 ? ServiceChatStatus.Revoked : ServiceChatStatus.Autonomous;
                Assert.That(policy.GetStatus(ChatId.FromPhoneNumber(34600000000UL + (ulong)i)).Status, Is.EqualTo(expected), $"run {run}, chat {i}");
            }

            TestContext.Progress.WriteLine($"run {run}: {acks.Count} acknowledged, torn bytes dropped: {store.DroppedTornBytes}, segments: {store.SegmentCount}, snapshots: {FileSnapshotCount()}");
        }
    }

    private int FileSnapshotCount()
    {
        var folder = Path.Combine(_directory, FileServiceStateStore.SnapshotDirectoryName);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
    }

    [Test]
    public async Task A_restart_never_un_revokes_and_never_resets_a_limit()
    {
        var time = new FakeTimeProvider(Start);
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time, o => o.MaxNewServiceChatsPerDay = 1))
        {
            var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator, "s-42"));
            await policy.ApproveDraftAsync(draft.Draft, "owner");
            await policy.RevokeAsync(Id(Vodafone), "owner");
            await policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
            await policy.DecideOutboundAsync(new OutboundRequest(Id(Orange), "pendiente", Initiator.Operator));
        }

        time.Advance(TimeSpan.FromHours(1));
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time, o => o.MaxNewServiceChatsPerDay = 1))
        {
            Assert.That(policy.GetStatus(Id(Vodafone)).Status, Is.EqualTo(ServiceChatStatus.Revoked));
            Assert.That((await policy.DecideInboundAsync(new InboundMessage(Id(MovistarLid), "hola"))).SessionId, Is.EqualTo("s-42"));
            var pending = policy.GetPendingDrafts().Single();
            var denied = await policy.ApproveDraftAsync(pending.Id, "owner");
            Assert.That(denied.Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit));
            Assert.That(denied.RetryAfter, Is.EqualTo(TimeSpan.FromHours(23)));
        }
    }

    [Test]
    public async Task Autonomous_counters_survive_a_clean_shutdown()
    {
        var time = new FakeTimeProvider(Start);
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time, o => o.MaxAutoSendsPerChatPerHour = 2))
        {
            await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "a", Initiator.Agent))).IsPermitted, Is.True);
            Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "b", Initiator.Agent))).IsPermitted, Is.True);
        }

        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time, o => o.MaxAutoSendsPerChatPerHour = 2))
        {
            Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "c", Initiator.Agent))).Reason, Is.EqualTo(ReasonCode.HourlySendLimit));
        }
    }

    [Test]
    public async Task A_crash_forgets_at_most_the_last_second_of_counters()
    {
        var time = new FakeTimeProvider(Start);
        var store = FileServiceStateStore.Open(_directory);
        var policy = await OpenAsync(store, time, o => o.MaxConsecutiveAgentSendsWithoutReply = 2);
        await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "a", Initiator.Agent));
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "b", Initiator.Agent));
        time.Advance(ServiceConversationPolicy.CheckpointInterval); // the batch writer runs
        await policy.Probes.TimerCheckpoint; // the awaitable hook of the timer's write: no sleeping
        store.Dispose(); // the process dies: the policy never shuts down

        using var reopened = FileServiceStateStore.Open(_directory);
        await using var restarted = await OpenAsync(reopened, time, o => o.MaxConsecutiveAgentSendsWithoutReply = 2);
        Assert.That((await restarted.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "c", Initiator.Agent))).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));
        Assert.That((await restarted.DecideInboundAsync(new InboundMessage(Id(Movistar), "ok"))).IsDelivered, Is.True);
        Assert.That((await restarted.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "d", Initiator.Agent))).IsPermitted, Is.True, "a reply after the restart still resets the restored count");
        GC.KeepAlive(policy);
    }

    [Test]
    public async Task Suppressed_block_counts_survive_a_restart()
    {
        var time = new FakeTimeProvider(Start);
        var audit = new ServicePolicy.Audit.InMemoryAuditSink();
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await OpenAsync(store, time))
        {
            for (var i = 0; i < 3; i++)
            {
                await policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "spam"));
                time.Advance(TimeSpan.FromMinutes(10));
            }
        }

        time.Advance(TimeSpan.FromMinutes(40));
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var policy = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(time)
            .WithOptions(new ServiceConversationOptions { Enabled = true }).AddAuditSink(audit).BuildAsync())
        {
            await policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "spam"));
        }

        Assert.That(audit.Events.Single(e => e.Type == PolicyEventType.InboundBlocked).Count, Is.EqualTo(3), "two suppressed before the restart, one after");
    }

    [Test]
    public async Task A_full_disk_fails_closed_with_policy_unavailable()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/dev/full"), Is.True, "needs /dev/full");
        File.CreateSymbolicLink(Path.Combine(_directory, FileServiceStateStore.LogFileName), "/dev/full");
        using var store = FileServiceStateStore.Open(_directory);
        var failures = new List<PolicyFailure>();
        await using var policy = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(new FakeTimeProvider(Start)).OnFailure(failures.Add).BuildAsync();
        var result = await policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(result.Error, Is.InstanceOf<IOException>());
        Assert.That(policy.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.None));
        Assert.That((await policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true })).Accepted, Is.False);
        Assert.That(policy.IsEnabled, Is.False);
        Assert.That(failures, Is.Not.Empty);
    }
}
