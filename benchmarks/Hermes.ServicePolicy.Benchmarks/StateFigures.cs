using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// Memory figures BenchmarkDotNet does not measure (it reports allocation, not what stays): bytes retained per service
/// chat at 10 k / 100 k / 1 M chats, and what 1 M decided drafts leave behind. Each policy is opened from a snapshot in a
/// store that keeps nothing else, so the store's own copy of history is not counted. Run with
/// <c>dotnet run -c Release --project benchmarks/Hermes.ServicePolicy.Benchmarks -- figures</c>; it writes
/// benchmarks/results/state-figures.md.
/// </summary>
internal static class StateFigures
{
    public static async Task<string> RunAsync()
    {
        var report = new StringBuilder();
        report.AppendLine("# State figures").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.OSVersion}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, workstation GC. Retained = GC.GetTotalMemory(forceFullCollection) after the policy opened, minus before.").AppendLine();
        report.AppendLine("| state | retained | per item | open time | allocated while opening |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var chats in new[] { 10_000, 100_000, 1_000_000 })
        {
            var time = new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.Zero);
            var store = new InMemoryServiceStateStore();
            await using (var policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true }, time, store).ConfigureAwait(false))
            {
                await PolicyFixture.ApproveAsync(policy, chats).ConfigureAwait(false);
            }

            report.AppendLine(await MeasureAsync($"{chats:N0} service chats", store, time, chats).ConfigureAwait(false));
        }

        // 1 M drafts on 100 chats, each rejected (decided): within 30 days their tombstones stay; after it, nothing.
        {
            var time = new SteppingTimeProvider(PolicyFixture.Start, TimeSpan.Zero);
            var store = new InMemoryServiceStateStore();
            await using (var policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true, RequireExplicitApprovalForFirstContact = true }, time, store).ConfigureAwait(false))
            {
                await PolicyFixture.ApproveAsync(policy, 100).ConfigureAwait(false);
                for (var c = 0; c < 100; c++)
                {
                    await policy.SetModeAsync(PolicyFixture.Chat(c), ServiceChatMode.DraftOnly, "bench").ConfigureAwait(false);
                }

                for (var i = 0; i < 1_000_000; i++)
                {
                    var draft = await policy.DecideOutboundAsync(new OutboundRequest(PolicyFixture.Chat(i % 100), "a draft of some length, as a reply would be", Initiator.Operator, SessionId: "s")).ConfigureAwait(false);
                    if (draft.Draft.IsEmpty || !(await policy.RejectDraftAsync(draft.Draft, "bench").ConfigureAwait(false)).Ok)
                    {
                        throw new InvalidOperationException(draft.Explain());
                    }

                    if (i % 200_000 == 199_999)
                    {
                        await policy.SnapshotAsync().ConfigureAwait(false);
                        await store.PruneHistoryAsync(DateTimeOffset.MaxValue).ConfigureAwait(false); // keep the store small
                    }
                }
            }

            report.AppendLine(await MeasureAsync("1 000 000 decided drafts on 100 chats, within 30 days", store, time, 1_000_000).ConfigureAwait(false));
            time.Advance(TimeSpan.FromDays(31));
            await using (var policy = await PolicyFixture.BuildAsync(new ServiceConversationOptions { Enabled = true }, time, store).ConfigureAwait(false))
            {
                await policy.SweepAsync().ConfigureAwait(false);
            }

            report.AppendLine(await MeasureAsync("the same, 31 days later (swept)", store, time, 1_000_000).ConfigureAwait(false));
        }

        return report.ToString();
    }

    /// <summary>Snapshots the state, drops the store's history, and measures a policy that opens from the snapshot alone.</summary>
    private static async Task<string> MeasureAsync(string label, InMemoryServiceStateStore store, TimeProvider time, int items)
    {
        await using (var policy = await StateDirectories.OpenAsync(store).ConfigureAwait(false))
        {
            await policy.SnapshotAsync().ConfigureAwait(false);
        }

        await store.PruneHistoryAsync(DateTimeOffset.MaxValue).ConfigureAwait(false);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var opened = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(time).WithSnapshotEvery(0).BuildAsync().ConfigureAwait(false);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(opened);
        await opened.DisposeAsync().ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {retained / 1024.0 / 1024.0:F1} MiB | {retained / (double)items:F0} B | {clock.Elapsed.TotalMilliseconds:F0} ms | {allocated / 1024.0 / 1024.0:F1} MiB |");
    }
}
