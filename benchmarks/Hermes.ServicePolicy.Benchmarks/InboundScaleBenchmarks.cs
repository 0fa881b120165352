using System.Threading.Tasks;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The inbound decision for an approved chat against the physical floor (one dictionary lookup on the same key),
/// as the number of service chats in runtime state (N) and of configured patterns (P) grows.
/// </summary>
[MemoryDiagnoser]
public class InboundScaleBenchmarks
{
    private ServiceConversationPolicy _policy = null!;
    private Dictionary<ChatId, int> _floor = null!;
    private InboundMessage _approved;
    private InboundMessage _patternApproved;
    private ChatId _key;

    [Params(10, 1_000, 100_000, 1_000_000)]
    public int N { get; set; }

    [Params(0, 10, 10_000)]
    public int P { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var patterns = PolicyFixture.Patterns(P);
        if (P > 0)
        {
            patterns[^1] = "+49 151 0000*"; // the pattern-approved chat below
        }

        _policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true, ApprovedPatterns = patterns });
        await PolicyFixture.ApproveAsync(_policy, N);
        _key = PolicyFixture.Chat(N / 2);
        _approved = new InboundMessage(_key, "Claro, ¿me indica su DNI?");
        _patternApproved = new InboundMessage(ChatId.FromPhoneNumber(4915100001234), "hola");
        _floor = new Dictionary<ChatId, int>(N);
        for (var i = 0; i < N; i++)
        {
            _floor[PolicyFixture.Chat(i)] = i;
        }
    }

    [GlobalCleanup]
    public Task Cleanup() => _policy.DisposeAsync().AsTask();

    [Benchmark(Baseline = true, Description = "floor: Dictionary<ChatId,int>.TryGetValue")]
    public bool Floor() => _floor.TryGetValue(_key, out _);

    [Benchmark(Description = "inbound, approved chat (parsed)")]
    public bool Approved()
    {
        var pending = _policy.DecideInboundAsync(_approved);
        return pending.Result.IsDelivered;
    }

    [Benchmark(Description = "inbound, chat approved by a pattern (parsed)")]
    public bool PatternApproved()
    {
        var pending = _policy.DecideInboundAsync(_patternApproved);
        return pending.Result.IsDelivered;
    }
}
