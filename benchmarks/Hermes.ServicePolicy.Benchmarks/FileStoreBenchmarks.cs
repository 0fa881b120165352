using System;
using System.Threading.Tasks;
using System.IO;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The embedded durable default: the autonomous outbound decision over the file store (counters are checkpointed
/// in batches, so a send does not wait for the disk), and opening a log of one million events. Reported, no target.
/// </summary>
[MemoryDiagnoser]
public class FileStoreBenchmarks
{
    private string _directory = null!;
    private string _millionDirectory = null!;
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
            new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 10_000, MaxConsecutiveAgentSendsWithoutReply = 1_000 },
            new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.FromMilliseconds(500)),
            _store);
        var chat = PolicyFixture.Chat(1);
        await _policy.ApproveChatAsync(chat, "bench", ServiceChatMode.Autonomous).ConfigureAwait(false);
        _request = new OutboundRequest(chat, "¿Hay novedades?", Initiator.Agent);
        _reply = new InboundMessage(chat, "Sí");

        _millionDirectory = Directory.CreateTempSubdirectory("hermes-bench-1m-").FullName;
        using var million = FileServiceStateStore.Open(_millionDirectory);
        var batch = new PolicyEvent[1000];
        long sequence = 0;
        for (var b = 0; b < 1000; b++)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                var n = (b * batch.Length) + i;
                var type = (n % 3) switch { 0 => PolicyEventType.ChatApproved, 1 => PolicyEventType.ChatPaused, _ => PolicyEventType.ChatResumed };
                batch[i] = new PolicyEvent
                {
                    Sequence = ++sequence, Type = type, Timestamp = PolicyFixture.Start.AddSeconds(n), Chat = PolicyFixture.Chat(n % 200_000),
                    Actor = "owner", ToMode = type == PolicyEventType.ChatApproved ? ServiceChatMode.Autonomous : null,
                };
            }

            await million.AppendAsync(batch).ConfigureAwait(false);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _policy.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_millionDirectory, recursive: true);
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

    [Benchmark(Description = "open a log of 1 000 000 events and rebuild state")]
    public async Task<int> OpenMillionEvents()
    {
        using var store = FileServiceStateStore.Open(_millionDirectory);
        await using var policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions(), store: store);
        return policy.ChatCount;
    }
}
