using System;
using System.Diagnostics;
using System.Threading.Tasks;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// The autonomous outbound decision (limiter included, its permit recorded) beside its closest .NET peer, a
/// <see cref="PartitionedRateLimiter"/> with a sliding window per chat, and beside our limiter alone; and the same
/// decision followed by its delivered report (one append). Each iteration is 1 000 decisions: the permits of one
/// iteration are reported in the iteration's setup, outside the measurement, as a host's transport would report them,
/// so the ring of unconfirmed permits never overflows (it holds 1 024). The first three rows run with the agent's pacing
/// off (<c>duplicate_send_minutes: 0</c>: the same text every time); the last runs a second policy with spacing (1 s),
/// the daily cap (100 000) and the duplicate guard (10 minutes) on, its clock stepping 1 s per decision, over 1 000
/// chats in turn with a text of their own (so nothing is refused: the cost of checking and counting is measured). Every
/// row runs with nobody listening to the policy's traces and with a listener recording every span (each decision and
/// each report is a span then; docs/observability.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IterationJob))]
public class OutboundBenchmarks
{
    private const int Chats = 100_000;
    private ServiceConversationPolicy _policy = null!;
    private OutboundRequest _request;
    private InboundMessage _reply;
    private PartitionedRateLimiter<ChatId> _peer = null!;
    private Hermes.ServicePolicy.RateLimiting.SlidingLogRateLimiter _limiter = null!;
    private SteppingTimeProvider _limiterClock = null!;
    private ChatId _chat;
    private int _sends;
    private ServiceConversationPolicy _paced = null!;
    private OutboundRequest[] _pacedRequests = null!;
    private int _paces;
    private ActivityListener? _listener;

    /// <summary>Gets or sets whether a listener samples every span of the policy's source while the benchmark runs.</summary>
    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        // The clock steps 0.5 s per read: the sliding hour never holds more than 7 200 sends, under the limit.
        _policy = await PolicyFixture.BuildAsync(
            new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 10_000, MaxConsecutiveAgentSendsWithoutReply = 1_000, DuplicateSendMinutes = 0 },
            new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.FromMilliseconds(500)));
        await PolicyFixture.ApproveAsync(_policy, Chats);
        _paced = await PolicyFixture.BuildAsync(
            new ServiceConversationOptions
            {
                Enabled = true, MaxAutoSendsPerChatPerHour = 10_000, MaxConsecutiveAgentSendsWithoutReply = 1_000,
                MinSecondsBetweenAgentSends = 1, MaxAgentSendsPerDay = 100_000, DuplicateSendMinutes = 10,
            },
            new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.FromSeconds(1)));
        await PolicyFixture.ApproveAsync(_paced, 1_000);
        _pacedRequests = new OutboundRequest[1_000];
        for (var i = 0; i < _pacedRequests.Length; i++)
        {
            _pacedRequests[i] = new OutboundRequest(PolicyFixture.Chat(i), $"¿Hay novedades del pedido {i}?", Initiator.Agent);
        }

        _chat = PolicyFixture.Chat(4242);
        _request = new OutboundRequest(_chat, "¿Hay novedades?", Initiator.Agent);
        _reply = new InboundMessage(_chat, "Sí");
        _peer = PartitionedRateLimiter.Create<ChatId, ChatId>(chat => RateLimitPartition.GetSlidingWindowLimiter(chat, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = int.MaxValue,
            Window = TimeSpan.FromHours(1),
            SegmentsPerWindow = 60,
            QueueLimit = 0,
            AutoReplenishment = false,
        }));
        _limiter = new Hermes.ServicePolicy.RateLimiting.SlidingLogRateLimiter();
        _limiterClock = new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.FromMilliseconds(500));
        _listener = Listening ? PolicyFixture.ListenToTraces() : null;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _listener?.Dispose();
        await _policy.DisposeAsync();
        await _paced.DisposeAsync();
        _peer.Dispose();
    }

    [IterationSetup]
    public void ReportThePreviousIterationsPermits()
    {
        foreach (var policy in new[] { _policy, _paced })
        {
            foreach (var pending in policy.GetPendingSends())
            {
                PolicyFixture.Completed(policy.ConfirmSendAsync(pending.Send, SendReport.Delivered()));
            }
        }
    }

    [Benchmark(Baseline = true, Description = "peer: PartitionedRateLimiter (sliding window per chat).AttemptAcquire")]
    public bool Peer()
    {
        using var lease = _peer.AttemptAcquire(_chat);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "our limiter alone: TryAcquireAutonomousSend")]
    public bool LimiterAlone()
    {
        var acquired = _limiter.TryAcquireAutonomousSend(_chat, _limiterClock.GetUtcNow(), 10_000, 1_000).IsAcquired;
        if ((++_sends & 511) == 0)
        {
            _limiter.RecordReply(_chat);
        }

        return acquired;
    }

    [Benchmark(Description = "outbound autonomous decision, limiter included")]
    public bool Autonomous()
    {
        var sent = _policy.DecideOutboundAsync(_request).Result.IsPermitted;
        if ((++_sends & 511) == 0)
        {
            PolicyFixture.Completed(_policy.DecideInboundAsync(_reply)); // a reply resets the consecutive count
        }

        return sent;
    }

    [Benchmark(Description = "outbound autonomous decision + delivered report (one append, in memory)")]
    public bool AutonomousAndReport()
    {
        var permit = PolicyFixture.Completed(_policy.DecideOutboundAsync(_request));
        if ((++_sends & 511) == 0)
        {
            PolicyFixture.Completed(_policy.DecideInboundAsync(_reply));
        }

        return PolicyFixture.Completed(_policy.ConfirmSendAsync(permit.Send, SendReport.Delivered())).Ok;
    }

    [Benchmark(Description = "outbound autonomous decision, the agent's pacing on (spacing, daily cap, duplicates)")]
    public bool AutonomousPaced()
    {
        var request = _pacedRequests[_paces++ % _pacedRequests.Length];
        return _paced.DecideOutboundAsync(request).Result.IsPermitted;
    }
}
