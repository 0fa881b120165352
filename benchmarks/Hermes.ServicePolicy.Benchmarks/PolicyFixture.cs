using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>Builds policies with many chats in runtime state and many configured patterns.</summary>
internal static class PolicyFixture
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public static ChatId Chat(int i) => ChatId.FromPhoneNumber(34600000000UL + (ulong)i);

    /// <summary>Patterns under +44 20 that never match the +34 chats, so the trie is as large as asked.</summary>
    public static List<string> Patterns(int count)
    {
        var patterns = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            patterns.Add($"+44 20{i:000000}*");
        }

        return patterns;
    }

    /// <summary>
    /// A policy for the gating benchmarks: no background snapshots (one would hold the store's flush at a random moment, and
    /// an iteration setup that reports permits must complete synchronously); the state benchmarks measure snapshots.
    /// </summary>
    public static async Task<ServiceConversationPolicy> BuildAsync(ServiceConversationOptions options, TimeProvider? time = null, IServiceStateStore? store = null)
        => await new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithStateStore(store ?? new InMemoryServiceStateStore())
            .WithTimeProvider(time ?? new SteppingTimeProvider(Start, TimeSpan.Zero))
            .WithSnapshotEvery(0)
            .BuildAsync().ConfigureAwait(false);

    /// <summary>
    /// The result of a decision that completes synchronously (in-memory and file-store gating paths do): read without
    /// blocking, and an error if it ever did not, so a benchmark never waits on a task by blocking.
    /// </summary>
    /// <summary>A listener that records every span of the policy's source, as a tracing host's would (dispose it to stop).</summary>
    public static ActivityListener ListenToTraces()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ServiceConversationTracing.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    public static T Completed<T>(ValueTask<T> pending)
        => pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The decision did not complete synchronously.");

    /// <summary>The result of a task that completes synchronously (in-memory setup does), read without blocking.</summary>
    public static T Completed<T>(Task<T> pending)
        => pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The setup did not complete synchronously.", pending.Exception);

    /// <summary>Checks that an operation completed synchronously, without blocking on it.</summary>
    public static void Completed(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The operation did not complete synchronously.");
        }
    }

    /// <summary>Approves <paramref name="count"/> chats as autonomous service chats, as runtime state.</summary>
    public static async Task ApproveAsync(ServiceConversationPolicy policy, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await policy.ApproveChatAsync(Chat(i), "bench", ServiceChatMode.Autonomous).ConfigureAwait(false);
            if (!result.Ok)
            {
                throw new InvalidOperationException(result.Explain());
            }
        }
    }
}

/// <summary>A clock that moves forward by a fixed step at each read, so sliding windows keep sliding.</summary>
internal sealed class SteppingTimeProvider : TimeProvider
{
    private readonly TimeSpan _step;
    private long _ticks;

    public SteppingTimeProvider(DateTimeOffset start, TimeSpan step)
    {
        _ticks = start.UtcTicks;
        _step = step;
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, _step.Ticks), TimeSpan.Zero);

    /// <summary>
    /// Timers never fire: the once-a-second counters record would otherwise take the policy's gate at a random moment of
    /// a measurement, and an iteration setup that reports permits could then not complete synchronously (setups must).
    /// </summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new IdleTimer();

    private sealed class IdleTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Moves the clock forward (setups that need time to pass: permits past their deadline, drafts past retention).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
