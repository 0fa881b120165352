using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The inbound decision for an approved chat against the physical floor (one dictionary lookup on the same key),
/// as the number of service chats in runtime state (N) and of configured patterns (P) grows. A row's figure moves from
/// one process to the next on a shared machine, so a few rows can be run over several launches: the environment
/// variables <c>HERMES_BENCH_N</c> and <c>HERMES_BENCH_P</c> (comma-separated values) replace the sizes, e.g.
/// <c>HERMES_BENCH_N=10,1000000 HERMES_BENCH_P=10 dotnet run … --filter '*InboundScale*' --job short --launchCount 5</c>.
/// </summary>
[MemoryDiagnoser]
public class InboundScaleBenchmarks
{
    private ServiceConversationPolicy _policy = null!;
    private Dictionary<ChatId, int> _floor = null!;
    private InboundMessage _approved;
    private InboundMessage _patternApproved;
    private ChatId _key;

    [ParamsSource(nameof(Ns))]
    public int N { get; set; }

    [ParamsSource(nameof(Ps))]
    public int P { get; set; }

    /// <summary>The numbers of service chats: 10, 1 000, 100 000 and 1 000 000 unless <c>HERMES_BENCH_N</c> says others.</summary>
    public static IEnumerable<int> Ns => Sizes("HERMES_BENCH_N", [10, 1_000, 100_000, 1_000_000]);

    /// <summary>The numbers of patterns: 0, 10 and 10 000 unless <c>HERMES_BENCH_P</c> says others.</summary>
    public static IEnumerable<int> Ps => Sizes("HERMES_BENCH_P", [0, 10, 10_000]);

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

    private static int[] Sizes(string variable, int[] defaults)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaults;
        }

        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            sizes[i] = int.TryParse(values[i], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? size
                : throw new ArgumentException($"{variable} is a comma-separated list of sizes, not '{text}'.");
        }

        return sizes;
    }

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
