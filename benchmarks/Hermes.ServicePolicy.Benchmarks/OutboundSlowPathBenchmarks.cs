using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Outbound decisions that write an audited event (a draft, a rate-limited denial), on the in-memory store. Each
/// iteration starts from a fresh policy so the log does not grow without bound. Reported, no target.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(8192)]
public class OutboundSlowPathBenchmarks
{
    private ServiceConversationPolicy _policy = null!;
    private OutboundRequest _draftRequest;
    private OutboundRequest _limitedRequest;

    // Iteration methods must be void: everything here completes synchronously in memory, and Completed says so if not.
    [IterationSetup]
    public void Setup()
    {
        _policy = PolicyFixture.Completed(PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 0 }));
        var draftFirst = PolicyFixture.Chat(1);
        var autonomous = PolicyFixture.Chat(2);
        PolicyFixture.Completed(_policy.ApproveChatAsync(draftFirst, "bench", ServiceChatMode.DraftFirst));
        PolicyFixture.Completed(_policy.ApproveChatAsync(autonomous, "bench", ServiceChatMode.Autonomous));
        _draftRequest = new OutboundRequest(draftFirst, "¿Me confirma la factura?", Initiator.Agent);
        _limitedRequest = new OutboundRequest(autonomous, "otra vez", Initiator.Agent);
    }

    [IterationCleanup]
    public void Cleanup() => PolicyFixture.Completed(_policy.DisposeAsync());

    [Benchmark(Description = "outbound in a draft_first chat (creates a draft)")]
    public OutboundOutcome Draft() => _policy.DecideOutboundAsync(_draftRequest).Result.Outcome;

    [Benchmark(Description = "outbound denied by a rate limit (audited)")]
    public ReasonCode RateLimited() => _policy.DecideOutboundAsync(_limitedRequest).Result.Reason;
}
