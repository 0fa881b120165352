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

/// <summary>Sends awaiting confirmation are durable state: restarts, a process killed between permit and report, concurrent reports.</summary>
public class SendDurabilityTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-sends-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static ValueTask<ServiceConversationPolicy> OpenAsync(IServiceStateStore store, TimeProvider time, Action<ServiceConversationOptions>? configure = null)
    {
        var options = new ServiceConversationOptions { Enabled = true, ApprovedChats = [Vodafone], DefaultMode = ServiceChatMode.Autonomous };
        configure?.Invoke(options);
        return new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(time).WithOptions(options).BuildAsync();
    }

    [Test]
    public async Task A_process_killed_between_permit_and_report_keeps_the_approval_and_loses_only_the_unsaved_autonomous_permit()
    {
        var writer = Path.Combine(TestContext.CurrentContext.TestDirectory, "hermes-crash-writer.dll");
        var start = new ProcessStartInfo("dotnet", [writer, "permits", _directory]) { RedirectStandardOutput = true, UseShellExecute = false };
        SendId approved, autonomous;
        using (var child = Process.Start(start)!)
        {
            approved = ReadSend(await child.NextLineAsync(), "approved");
            autonomous = ReadSend(await child.NextLineAsync(), "autonomous");
            child.Kill(entireProcessTree: true);
            await child.ExitedAsync();
        }

        using var store = FileServiceStateStore.Open(_directory);
        await using var policy = await OpenAsync(store, TimeProvider.System);
        Assert.That(policy.GetPendingSends().Select(s => s.Send), Is.EqualTo(new[] { approved }), "the approval's permit was durable before it was handed out");
        Assert.That(policy.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Autonomous), "and so was the first contact's service status (default_mode)");
        Assert.That((await policy.ConfirmSendAsync(approved, SendReport.Delivered("wamid.1"))).Ok, Is.True);
        Assert.That((await policy.ConfirmSendAsync(autonomous, SendReport.Delivered())).Reason, Is.EqualTo(ReasonCode.UnknownSend), "an autonomous permit lost before its batched checkpoint");
        var sent = (await store.ReadAllAsync()).Single(e => e.Type == PolicyEventType.FirstContactSent);
        Assert.That((sent.Send, sent.Text, sent.SessionId), Is.EqualTo((approved, "Hola Movistar", "s-1")));

        static SendId ReadSend(string? line, string label)
            => line is not null && line.StartsWith(label + " ", StringComparison.Ordinal) && SendId.TryParse(line[(label.Length + 1)..], out var id)
                ? id
                : throw new AssertionException($"the writer said '{line}'");
    }

    [Test]
    public async Task After_a_crash_the_sweep_closes_the_durable_permits_nobody_reported()
    {
        var time = new FakeTimeProvider(Start);
        var store = FileServiceStateStore.Open(_directory);
        var policy = await OpenAsync(store, time);
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Operator));
        var permit = await policy.ApproveDraftAsync(draft.Draft, "owner");
        store.Dispose(); // the process dies: the policy never shuts down

        time.Advance(TimeSpan.FromMinutes(11));
        using var reopened = FileServiceStateStore.Open(_directory);
        await using var restarted = await OpenAsync(reopened, time);
        Assert.That(await restarted.SweepAsync(), Is.EqualTo(new SweepResult(0, 1)));
        Assert.That((await restarted.ConfirmSendAsync(permit.Send, SendReport.Delivered())).Reason, Is.EqualTo(ReasonCode.UnknownSend), "closed as unknown by the sweep");
        Assert.That(restarted.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Autonomous), "unknown counts as sent: the chat stays a service chat");
    }

    [Test]
    public async Task A_clean_restart_keeps_autonomous_permits_and_their_ids_are_never_issued_again()
    {
        var time = new FakeTimeProvider(Start);
        SendId first;
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await using var policy = await OpenAsync(store, time);
            first = (await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "uno", Initiator.Agent))).Send;
        }

        using var reopened = FileServiceStateStore.Open(_directory);
        await using var restarted = await OpenAsync(reopened, time);
        var second = (await restarted.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Agent))).Send;
        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(second.Epoch, Is.GreaterThan(first.Epoch), "a new process numbers its permits in a new epoch");
        Assert.That(restarted.GetPendingSends().Select(s => (s.Send, s.Text)), Is.EqualTo(new[] { (first, "uno"), (second, "dos") }));
        Assert.That((await restarted.ConfirmSendAsync(first, SendReport.Delivered())).Ok, Is.True);
        Assert.That((await reopened.ReadAllAsync()).Single(e => e.Type == PolicyEventType.MessageSent).Text, Is.EqualTo("uno"));
    }

    [Test]
    public async Task Concurrent_reports_share_appends_and_each_is_durable_before_its_call_returns()
    {
        var store = new GatedStore();
        await using var policy = await OpenAsync(store, new FakeTimeProvider(Start), o => { o.MaxConsecutiveAgentSendsWithoutReply = 1000; o.MaxAutoSendsPerChatPerHour = 1000; });
        var permits = new List<SendId>();
        for (var i = 0; i < 40; i++)
        {
            permits.Add((await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), $"m{i}", Initiator.Agent))).Send);
        }

        var appendsBefore = store.Appends;
        store.Hold();
        var first = policy.ConfirmSendAsync(permits[0], SendReport.Delivered()).AsTask();
        await store.Held; // the first report's append is on the disk's way
        var rest = permits.Skip(1).Select(p => policy.ConfirmSendAsync(p, SendReport.Delivered()).AsTask()).ToList();
        Assert.That(rest.All(t => !t.IsCompleted), Is.True, "no report returns before its append");
        store.Release();
        var results = await Task.WhenAll(rest.Prepend(first));

        Assert.That(results.All(r => r.Ok), Is.True);
        Assert.That(store.Events.Count(e => e.Type == PolicyEventType.MessageSent), Is.EqualTo(40));
        Assert.That(store.Appends - appendsBefore, Is.LessThanOrEqualTo(3), "39 reports queued behind one append are written together");
    }

    [Test]
    public async Task Two_reports_of_one_send_in_one_batch_the_first_wins()
    {
        var store = new GatedStore();
        await using var policy = await OpenAsync(store, new FakeTimeProvider(Start));
        var one = (await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "uno", Initiator.Agent))).Send;
        var two = (await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Agent))).Send;
        store.Hold();
        var holder = policy.ConfirmSendAsync(one, SendReport.Delivered()).AsTask();
        await store.Held;
        var delivered = policy.ConfirmSendAsync(two, SendReport.Delivered()).AsTask();
        var failed = policy.ConfirmSendAsync(two, SendReport.Failed("refused")).AsTask();
        var again = policy.ConfirmSendAsync(two, SendReport.Delivered()).AsTask();
        store.Release();
        await holder;
        Assert.That(((await delivered).Ok, (await failed).Reason, (await again).Ok), Is.EqualTo((true, ReasonCode.UnknownSend, true)));
        Assert.That(store.Events.Count(e => e.Send == two), Is.EqualTo(1));
    }

    [Test]
    public async Task A_log_written_by_the_first_edition_keeps_its_meaning()
    {
        // The first edition recorded a send when it was decided: first_contact_sent without a send id made the chat a
        // service chat and took a daily slot; draft_approved bound the session.
        var store = new InMemoryServiceStateStore();
        await store.AppendAsync(
        [
            new PolicyEvent { Sequence = 1, Type = PolicyEventType.PolicyLoaded, Timestamp = Start, Actor = "system" },
            new PolicyEvent { Sequence = 2, Type = PolicyEventType.FirstContactDrafted, Timestamp = Start, Chat = Id(Movistar), Actor = "operator", DraftId = "d_old", Text = "Hola", SessionId = "s-old", ExpiresAt = Start.AddDays(1), Initiator = Initiator.Operator },
            new PolicyEvent { Sequence = 3, Type = PolicyEventType.FirstContactApproved, Timestamp = Start, Chat = Id(Movistar), Actor = "owner", DraftId = "d_old", SessionId = "s-old" },
            new PolicyEvent { Sequence = 4, Type = PolicyEventType.FirstContactSent, Timestamp = Start, Chat = Id(Movistar), Actor = "owner", DraftId = "d_old", SessionId = "s-old", ToMode = ServiceChatMode.DraftFirst, Count = 1, Initiator = Initiator.Operator },
        ]);
        await using var policy = await OpenAsync(store, new FakeTimeProvider(Start.AddHours(1)), o => o.MaxNewServiceChatsPerDay = 1);
        var status = policy.GetStatus(Id(Movistar));
        Assert.That((status.Status, status.SessionId), Is.EqualTo((ServiceChatStatus.DraftFirst, "s-old")));
        Assert.That(policy.GetPendingSends(), Is.Empty);
        var next = await policy.DecideOutboundAsync(new OutboundRequest(Id(Orange), "Hola", Initiator.Operator));
        Assert.That((await policy.ApproveDraftAsync(next.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit), "the old first contact still holds the day's only slot");
    }

    /// <summary>An in-memory store whose appends can be held, to see what queues behind one.</summary>
    private sealed class GatedStore : IServiceStateStore
    {
        private readonly InMemoryServiceStateStore _inner = new();
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _gate;

        public int Appends { get; private set; }

        public IReadOnlyList<PolicyEvent> Events => _inner.Events;

        public Task Held => _held.Task;

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate?.TrySetResult();

        public bool IsShared => false;

        public ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default) => _inner.LoadAsync(cancellationToken);

        public IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, CancellationToken cancellationToken = default) => _inner.ReadAsync(afterPosition, cancellationToken);

        public ValueTask SyncAsync(long position, CancellationToken cancellationToken = default) => _inner.SyncAsync(position, cancellationToken);

        public ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default) => _inner.WaitForAppendAsync(position, cancellationToken);

        public ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default) => _inner.SaveSnapshotAsync(snapshot, cancellationToken);

        public ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => _inner.PruneHistoryAsync(olderThan, cancellationToken);

        public async ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
        {
            Appends++;
            if (_gate is { } gate)
            {
                _held.TrySetResult();
                await gate.Task;
            }

            return await _inner.AppendAsync(expectedPosition, events, cancellationToken);
        }
    }
}
