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
/// The embedded durable default: opening a log of one million events (the autonomous decision over the file store is
/// in <see cref="FileStoreOutboundBenchmarks"/>). Reported, no target.
/// </summary>
[MemoryDiagnoser]
public class FileStoreBenchmarks
{
    private string _millionDirectory = null!;

    [GlobalSetup]
    public async Task Setup()
    {
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

            await million.AppendAsync(sequence - batch.Length, batch).ConfigureAwait(false);
            await million.SyncAsync(sequence).ConfigureAwait(false);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_millionDirectory, recursive: true);

    [Benchmark(Description = "open a log of 1 000 000 events and rebuild state")]
    public async Task<int> OpenMillionEvents()
    {
        using var store = FileServiceStateStore.Open(_millionDirectory);
        await using var policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions(), store: store);
        return policy.ChatCount;
    }
}
