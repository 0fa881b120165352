using System;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The autonomous outbound decision over the durable file store: counters and permits are checkpointed in batches, so
/// a send does not wait for the disk. Each iteration is 1 000 decisions; their permits are reported (one fsync'd append
/// each) in the next iteration's setup, outside the measurement; few warm-up iterations, since each setup waits for
/// 1 000 disk flushes.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 1_000)]
public class FileStoreOutboundBenchmarks
{
    private string _directory = null!;
    private FileServiceStateStore _store = null!;
    private ServiceConversationPolicy _policy = null!;
    private OutboundRequest _request;
    private InboundMessage _reply;
    private int _sends;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("hermes-bench-").FullName;
        _store = FileServiceStateStore.Open(_directory);
        _policy = await PolicyFixture.BuildAsync(
            new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 10_000, MaxConsecutiveAgentSendsWithoutReply = 1_000, DuplicateSendMinutes = 0 },
            new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.FromMilliseconds(500)),
            _store);
        var chat = PolicyFixture.Chat(1);
        await _policy.ApproveChatAsync(chat, "bench", ServiceChatMode.Autonomous).ConfigureAwait(false);
        _request = new OutboundRequest(chat, "¿Hay novedades?", Initiator.Agent);
        _reply = new InboundMessage(chat, "Sí");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _policy.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [IterationSetup]
    public void ReportThePreviousIterationsPermits()
    {
        foreach (var pending in _policy.GetPendingSends())
        {
            PolicyFixture.Completed(_policy.ConfirmSendAsync(pending.Send, SendReport.Delivered()));
        }
    }

    [Benchmark(Description = "outbound autonomous decision, file-backed store")]
    public bool AutonomousOnFileStore()
    {
        var sent = _policy.DecideOutboundAsync(_request).Result.IsPermitted;
        if ((++_sends & 511) == 0)
        {
            PolicyFixture.Completed(_policy.DecideInboundAsync(_reply));
        }

        return sent;
    }

}
