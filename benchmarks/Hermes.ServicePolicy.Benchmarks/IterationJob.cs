using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The job of benchmarks that report the permits of one iteration in the next iteration's setup: 1 000 invocations an
/// iteration (the ring of unconfirmed permits holds 1 024), and 200 warm-up iterations, so that tiered compilation has
/// promoted the code to its optimised tier before anything is measured (every benchmark of the class, the peer
/// included, runs under the same job, so the ratios compare like with like).
/// </summary>
internal sealed class IterationJob : ManualConfig
{
    public IterationJob()
    {
        AddJob(Job.Default
            .WithInvocationCount(1_000)
            .WithUnrollFactor(1)
            .WithWarmupCount(200)
            .WithIterationCount(40)
            .WithLaunchCount(1));
    }
}
