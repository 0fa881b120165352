using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// What the policy's traces cost (docs/observability.md), with nobody listening to the <c>Hermes.ServicePolicy</c> source
/// and with a listener that records every span: an approved chat's inbound decision (the hot path, never traced: it must
/// keep its figure and 0 B either way) and an unknown chat's (the slow exit, a span while listened to), beside the
/// <c>Dictionary</c> floor of <see cref="InboundKindsBenchmarks"/>. The outbound hot path's rows with and without a
/// listener are <see cref="OutboundBenchmarks"/>' (its permits must be reported between iterations).
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    private const int Chats = 100_000;

    private ServiceConversationPolicy _policy = null!;
    private Dictionary<ChatId, int> _floor = null!;
    private InboundMessage _approved;
    private InboundMessage _unknown;
    private ActivityListener? _listener;

    /// <summary>Gets or sets whether a listener samples every span of the source while the benchmark runs.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true });
        await PolicyFixture.ApproveAsync(_policy, Chats);
        _approved = new InboundMessage(PolicyFixture.Chat(4242), "hola");
        _unknown = new InboundMessage(ChatId.FromPhoneNumber(4915100001234), "hola");
        _floor = new Dictionary<ChatId, int>(Chats);
        for (var i = 0; i < Chats; i++)
        {
            _floor[PolicyFixture.Chat(i)] = i;
        }

        _listener = Listening ? PolicyFixture.ListenToTraces() : null;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _listener?.Dispose();
        await _policy.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "floor: Dictionary lookup, hot key")]
    public bool FloorHot() => _floor.TryGetValue(_approved.Chat, out _);

    [Benchmark(Description = "inbound approved, hot key (never traced)")]
    public bool ApprovedHot() => _policy.DecideInboundAsync(_approved).Result.IsDelivered;

    [Benchmark(Description = "inbound unknown chat (blocked, audit suppressed; traced while listened to)")]
    public bool Unknown() => _policy.DecideInboundAsync(_unknown).Result.IsDelivered;
}
