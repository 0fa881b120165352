using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Start-up does not replay history (SPEC.md "History, snapshots and more than one process"): opening a directory with
/// 10 k / 100 k / 1 M events of history over 10 k chats against the floor, a directory holding only those 10 k chats'
/// state. Target: within 2× of the floor, allocation bounded by the live state (the same as the floor's).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class StartupBenchmarks
{
    private string _history = null!;
    private string _live = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _live = await StateDirectories.WriteAsync(StateDirectories.LiveChats).ConfigureAwait(false);
        _history = await StateDirectories.WriteAsync(Events).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Directory.Delete(_live, recursive: true);
        Directory.Delete(_history, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "open: 10 k chats, no history (floor)")]
    public Task<int> OpenLiveStateOnly() => OpenAsync(_live);

    [Benchmark(Description = "open: 10 k chats and the history")]
    public Task<int> OpenWithHistory() => OpenAsync(_history);

    private static async Task<int> OpenAsync(string directory)
    {
        using var store = FileServiceStateStore.Open(directory);
        await using var policy = await StateDirectories.OpenAsync(store).ConfigureAwait(false);
        return policy.ChatCount;
    }
}
