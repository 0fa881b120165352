using System;
using System.Threading.Tasks;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Inbound decisions for each kind of chat, from a parsed identity and from the raw JID string, with 100 000
/// service chats; the same hot key repeatedly and a rotating key (to show cache effects), each beside its floor.
/// </summary>
[MemoryDiagnoser]
public class InboundKindsBenchmarks
{
    private const int Chats = 100_000;
    private const int Rotation = 4096;

    private ServiceConversationPolicy _policy = null!;
    private Dictionary<ChatId, int> _floor = null!;
    private FrozenDictionary<ChatId, int> _frozenFloor = null!;
    private ConcurrentDictionary<ChatId, int> _concurrentFloor = null!;
    private ChatId[] _rotating = null!;
    private string[] _rotatingJids = null!;
    private InboundMessage _approved;
    private InboundMessage _unknown;
    private InboundMessage _paused;
    private string _approvedJid = null!;
    private int _next;

    [GlobalSetup]
    public async Task Setup()
    {
        _policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true });
        await PolicyFixture.ApproveAsync(_policy, Chats);
        await _policy.PauseAsync(PolicyFixture.Chat(7), "bench").ConfigureAwait(false);
        _approved = new InboundMessage(PolicyFixture.Chat(4242), "hola");
        _approvedJid = "34600004242:3@s.whatsapp.net";
        _unknown = new InboundMessage(ChatId.FromPhoneNumber(4915100001234), "hola");
        _paused = new InboundMessage(PolicyFixture.Chat(7), "hola");
        _floor = new Dictionary<ChatId, int>(Chats);
        for (var i = 0; i < Chats; i++)
        {
            _floor[PolicyFixture.Chat(i)] = i;
        }

        _frozenFloor = _floor.ToFrozenDictionary();
        _concurrentFloor = new ConcurrentDictionary<ChatId, int>(_floor);
        _rotating = new ChatId[Rotation];
        _rotatingJids = new string[Rotation];
        var random = new System.Random(42);
        for (var i = 0; i < Rotation; i++)
        {
            _rotating[i] = PolicyFixture.Chat(random.Next(Chats));
            _rotatingJids[i] = _rotating[i].ToString();
        }

        await _policy.DecideInboundAsync(_unknown).ConfigureAwait(false); // the first block is audited; later ones are counted
    }

    [GlobalCleanup]
    public Task Cleanup() => _policy.DisposeAsync().AsTask();

    [Benchmark(Baseline = true, Description = "floor: Dictionary lookup, hot key")]
    public bool FloorHot() => _floor.TryGetValue(_approved.Chat, out _);

    [Benchmark(Description = "floor: FrozenDictionary lookup, hot key")]
    public bool FrozenFloorHot() => _frozenFloor.TryGetValue(_approved.Chat, out _);

    [Benchmark(Description = "floor: ConcurrentDictionary lookup, hot key (what mutable state costs)")]
    public bool ConcurrentFloorHot() => _concurrentFloor.TryGetValue(_approved.Chat, out _);

    [Benchmark(Description = "inbound approved, hot key (parsed)")]
    public bool ApprovedHot() => _policy.DecideInboundAsync(_approved).Result.IsDelivered;

    [Benchmark(Description = "inbound approved, from the raw JID string")]
    public bool ApprovedFromJid() => ChatId.TryParse(_approvedJid.AsSpan(), out var chat, out _)
        && _policy.DecideInboundAsync(new InboundMessage(chat, "hola")).Result.IsDelivered;

    [Benchmark(Description = "inbound paused chat (delivered)")]
    public bool Paused() => _policy.DecideInboundAsync(_paused).Result.IsDelivered;

    [Benchmark(Description = "inbound unknown chat (blocked, audit suppressed)")]
    public bool Unknown() => _policy.DecideInboundAsync(_unknown).Result.IsDelivered;

    [Benchmark(Description = "floor: Dictionary lookup, rotating keys")]
    public bool FloorRotating() => _floor.TryGetValue(_rotating[_next++ & (Rotation - 1)], out _);

    [Benchmark(Description = "inbound approved, rotating keys (parsed)")]
    public bool ApprovedRotating() => _policy.DecideInboundAsync(new InboundMessage(_rotating[_next++ & (Rotation - 1)], "hola")).Result.IsDelivered;

    [Benchmark(Description = "inbound approved, rotating raw JIDs")]
    public bool ApprovedRotatingFromJid() => ChatId.TryParse(_rotatingJids[_next++ & (Rotation - 1)].AsSpan(), out var chat, out _)
        && _policy.DecideInboundAsync(new InboundMessage(chat, "hola")).Result.IsDelivered;
}
