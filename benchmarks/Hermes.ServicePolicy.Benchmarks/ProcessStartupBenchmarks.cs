using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Start-up as an operator sees it: a whole process, the sample's <c>simulate --state DIR</c> restarting over a state
/// directory and answering one <c>status</c> step, with 100 k events of history over 10 k chats against the floor, the
/// same chats' state alone (issue 23: the process restart was 2.0–2.9× while the in-process open was 1.03–1.09×).
/// Both include the runtime's own start; the ratio is what history costs a restart. Target: ≤ 1.2×.
/// Needs the sample built in Release (<c>dotnet build -c Release</c> builds it with the solution).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class ProcessStartupBenchmarks
{
    private const int HistoryEvents = 100_000;
    private string _history = null!;
    private string _live = null!;
    private string _sample = null!;
    private string _steps = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _sample = SampleDll();
        _live = await StateDirectories.WriteAsync(StateDirectories.LiveChats).ConfigureAwait(false);
        _history = await StateDirectories.WriteAsync(HistoryEvents).ConfigureAwait(false);
        _steps = Path.Combine(_live, "..", Path.GetFileName(_live) + "-restart.jsonl");
        await File.WriteAllTextAsync(_steps, """{"op":"status","chat":"+34 600 000 007"}""" + "\n").ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_steps);
        Directory.Delete(_live, recursive: true);
        Directory.Delete(_history, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "process restart: 10 k chats, no history (floor)")]
    public Task<int> RestartLiveStateOnly() => RestartAsync(_live);

    [Benchmark(Description = "process restart: 10 k chats and 100 k events of history")]
    public Task<int> RestartWithHistory() => RestartAsync(_history);

    private async Task<int> RestartAsync(string state)
    {
        var start = new ProcessStartInfo("dotnet", [_sample, "simulate", "--state", state, _steps])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0 || !(await output.ConfigureAwait(false)).Contains("\"status\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"simulate exited {process.ExitCode}: {await errors.ConfigureAwait(false)}");
        }

        return process.ExitCode;
    }

    // BenchmarkDotNet runs each benchmark from a generated project under this repository's benchmark output.
    private static string SampleDll()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hermes.ServicePolicy.sln")))
        {
            directory = directory.Parent;
        }

        var dll = directory is null ? null : Path.Combine(directory.FullName, "samples", "Hermes.ServicePolicy.Sample", "bin", "Release", "net10.0", "hermes-policy-sample.dll");
        return dll is not null && File.Exists(dll)
            ? dll
            : throw new InvalidOperationException("The sample is not built: run `dotnet build Hermes.ServicePolicy.sln -c Release` first.");
    }
}
