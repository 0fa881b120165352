using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Durable changes (each on disk before its call returns) from 1 and from 8 concurrent callers over the file store:
/// time per change, so changes per second = 1 / mean. With group commit, 8 callers share flushes and should get well
/// above one caller's rate.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class GroupCommitBenchmarks
{
    private const int Changes = 256;
    private string _directory = null!;
    private FileServiceStateStore _store = null!;
    private ServiceConversationPolicy _policy = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("hermes-bench-commit-").FullName;
        _store = FileServiceStateStore.Open(_directory);
        _policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true }, store: _store).ConfigureAwait(false);
        await PolicyFixture.ApproveAsync(_policy, Changes).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _policy.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Changes, Description = "durable change, 1 caller")]
    public async Task OneCaller()
    {
        _pause = !_pause;
        for (var i = 0; i < Changes; i++)
        {
            await ToggleAsync(i).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Changes, Description = "durable change, 8 callers")]
    public Task EightCallers()
    {
        _pause = !_pause;
        return Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (var i = caller; i < Changes; i += 8)
            {
                await ToggleAsync(i).ConfigureAwait(false);
            }
        })));
    }

    // Each invocation pauses every chat or resumes every chat, so every call is a change that must reach the disk.
    private bool _pause;

    private async Task ToggleAsync(int i)
    {
        var chat = PolicyFixture.Chat(i);
        var result = _pause ? await _policy.PauseAsync(chat, "bench").ConfigureAwait(false) : await _policy.ResumeAsync(chat, "bench").ConfigureAwait(false);
        if (!result.Ok)
        {
            throw new System.InvalidOperationException(result.Explain());
        }
    }
}
