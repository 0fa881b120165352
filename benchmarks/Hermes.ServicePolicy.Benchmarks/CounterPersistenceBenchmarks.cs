using System;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// What persisting the batched counters costs with 10 k and 100 k chats that sent in the last hour: one chat sends,
/// then the counters record is written (what the once-a-second timer does). Target: the same at 10 k and 100 k (it
/// writes what changed, not every active chat; the previous release rewrote 2.5 MB every second at 10 k).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class CounterPersistenceBenchmarks
{
    private string _directory = null!;
    private FileServiceStateStore _store = null!;
    private ServiceConversationPolicy _policy = null!;
    private SteppingTimeProvider _time = null!;
    private int _next;

    [Params(10_000, 100_000)]
    public int ActiveChats { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _time = new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.Zero);

        // The chats are approved in memory and written to the log as one batch (instead of 100 k fsynced approvals).
        var state = new InMemoryServiceStateStore();
        await using (var builder = await new ServiceConversationPolicyBuilder().WithOptions(new ServiceConversationOptions { Enabled = true })
            .WithStateStore(state).WithTimeProvider(_time).BuildAsync().ConfigureAwait(false))
        {
            await PolicyFixture.ApproveAsync(builder, ActiveChats).ConfigureAwait(false);
        }

        _directory = Directory.CreateTempSubdirectory("hermes-bench-counters-").FullName;
        _store = FileServiceStateStore.Open(_directory);
        await _store.AppendAsync(0, state.Events).ConfigureAwait(false);
        await _store.SyncAsync(state.Events.Count).ConfigureAwait(false);
        _policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 1000, MaxConsecutiveAgentSendsWithoutReply = 1000, SendConfirmationMinutes = 1, DuplicateSendMinutes = 0 })
            .WithStateStore(_store).WithTimeProvider(_time).WithSnapshotEvery(0).BuildAsync().ConfigureAwait(false);
        for (var i = 0; i < ActiveChats; i++)
        {
            var sent = await _policy.DecideOutboundAsync(new OutboundRequest(PolicyFixture.Chat(i), "hola", Initiator.Agent)).ConfigureAwait(false);
            if (!sent.IsPermitted)
            {
                throw new InvalidOperationException(sent.Explain());
            }
        }

        // Their permits run out unreported and the sweep closes them in one batch; the sends stay in the hour's windows.
        _time.Advance(TimeSpan.FromMinutes(2));
        await _policy.SweepAsync().ConfigureAwait(false);
        await _policy.FlushAsync().ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _policy.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "one chat sends, then the counters are persisted")]
    public async Task<bool> SendThenPersist()
    {
        var chat = PolicyFixture.Chat(_next++ % ActiveChats);
        var sent = await _policy.DecideOutboundAsync(new OutboundRequest(chat, "hola", Initiator.Agent)).ConfigureAwait(false);
        await _policy.ConfirmSendAsync(sent.Send, SendReport.Delivered()).ConfigureAwait(false);
        return await _policy.FlushAsync().ConfigureAwait(false);
    }
}
