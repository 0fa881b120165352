using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Reading the audit trail back (streaming, segment by segment): the whole history, and one chat's history, from a
/// running policy over the file store. Events per second = events / mean. Reported, no target.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class HistoryBenchmarks
{
    private string _directory = null!;
    private FileServiceStateStore _store = null!;
    private ServiceConversationPolicy _policy = null!;

    [Params(100_000, 1_000_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = await StateDirectories.WriteAsync(Events).ConfigureAwait(false);
        _store = FileServiceStateStore.Open(_directory);
        _policy = await StateDirectories.OpenAsync(_store).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _policy.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "read the whole history")]
    public async Task<int> ReadAll()
    {
        var count = 0;
        await foreach (var e in _policy.ReadHistoryAsync().ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "read one chat's history")]
    public async Task<int> ReadOneChat()
    {
        var count = 0;
        await foreach (var e in _policy.ReadHistoryAsync(new HistoryQuery { Chat = PolicyFixture.Chat(42) }).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }
}
