using System;
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>State directories for the start-up and history benchmarks, written through the store in batches (fast).</summary>
internal static class StateDirectories
{
    public const int LiveChats = 10_000;

    /// <summary>
    /// A directory whose history is <paramref name="events"/> operator actions over <see cref="LiveChats"/> chats (each
    /// approved, then paused and resumed in turn), closed cleanly: so its live state is those chats, and a snapshot of it.
    /// </summary>
    public static async Task<string> WriteAsync(int events)
    {
        var directory = Directory.CreateTempSubdirectory("hermes-bench-state-").FullName;
        using (var store = FileServiceStateStore.Open(directory))
        {
            var batch = new PolicyEvent[1000];
            long sequence = 0;
            while (sequence < events)
            {
                var count = (int)Math.Min(batch.Length, events - sequence);
                var first = sequence;
                for (var i = 0; i < count; i++)
                {
                    var n = (int)(first + i);
                    var type = n < LiveChats ? PolicyEventType.ChatApproved : (n / LiveChats % 2 == 1 ? PolicyEventType.ChatPaused : PolicyEventType.ChatResumed);
                    batch[i] = new PolicyEvent
                    {
                        Sequence = ++sequence, Type = type, Timestamp = PolicyFixture.Start.AddSeconds(n), Chat = PolicyFixture.Chat(n % LiveChats),
                        Actor = "owner", ToMode = type == PolicyEventType.ChatApproved ? ServiceChatMode.Autonomous : null,
                    };
                }

                var written = count == batch.Length ? batch : batch[..count];
                await store.AppendAsync(first, written).ConfigureAwait(false);
                await store.SyncAsync(sequence).ConfigureAwait(false);
            }

            // One full replay, and the clean shutdown's snapshot.
            await using var policy = await OpenAsync(store).ConfigureAwait(false);
        }

        return directory;
    }

    /// <summary>A policy over <paramref name="store"/> with no configuration applied, so opening writes nothing.</summary>
    public static async Task<ServiceConversationPolicy> OpenAsync(IServiceStateStore store)
        => await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.Zero))
            .WithSnapshotEvery(0).BuildAsync().ConfigureAwait(false);
}
