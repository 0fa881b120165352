using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// All cores deciding inbound messages at once. Each invocation makes <see cref="Decisions"/> decisions spread over
/// every core, so the reported time per operation is one decision: decisions per second = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int Decisions = 1 << 20;
    private const int Chats = 100_000;
    private ServiceConversationPolicy _policy = null!;
    private InboundMessage[] _messages = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true });
        await PolicyFixture.ApproveAsync(_policy, Chats);
        _messages = new InboundMessage[1024];
        var random = new Random(7);
        for (var i = 0; i < _messages.Length; i++)
        {
            _messages[i] = new InboundMessage(PolicyFixture.Chat(random.Next(Chats)), "hola");
        }
    }

    [GlobalCleanup]
    public Task Cleanup() => _policy.DisposeAsync().AsTask();

    [Benchmark(OperationsPerInvoke = Decisions, Description = "inbound decisions on all cores (per decision)")]
    public void AllCores()
    {
        var workers = Environment.ProcessorCount;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            var delivered = 0;
            for (var i = worker; i < Decisions; i += workers)
            {
                if (_policy.DecideInboundAsync(_messages[i & 1023]).Result.IsDelivered)
                {
                    delivered++;
                }
            }

            if (delivered == 0)
            {
                throw new InvalidOperationException("nothing was delivered");
            }
        });
    }
}
