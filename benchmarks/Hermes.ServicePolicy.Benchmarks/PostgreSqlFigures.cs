using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.PostgreSql;

namespace Hermes.ServicePolicy.Benchmarks;

/// <summary>
/// A measured harness for the PostgreSQL store (latencies need percentiles, which BenchmarkDotNet does not give for
/// work that crosses processes): an outbound decision that counts toward a limit (p50/p99, decisions per second) from
/// one policy and from three at once (each with its own connection pool, as replicas have); an inbound decision on
/// the local view; the time a change in one policy takes to reach another. Run with
/// <c>dotnet run -c Release --project benchmarks/Hermes.ServicePolicy.Benchmarks -- figures-postgres CONNECTION_STRING</c>;
/// it writes benchmarks/results/postgresql-figures.md.
/// </summary>
internal static class PostgreSqlFigures
{
    public static async Task<string> RunAsync(string connectionString)
    {
        var report = new StringBuilder();
        report.AppendLine("# PostgreSQL figures").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.OSVersion}, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; PostgreSQL on the same machine over TCP (127.0.0.1), fsync on.").AppendLine();
        report.AppendLine("| measure | p50 | p99 | rate |").AppendLine("|---|---:|---:|---:|");

        var schema = "figures_" + Guid.NewGuid().ToString("N")[..8];
        var policies = await OpenAsync(connectionString, schema, 3).ConfigureAwait(false);
        try
        {
            var chats = Enumerable.Range(0, 300).Select(PolicyFixture.Chat).ToArray();
            foreach (var chat in chats)
            {
                await policies[0].ApproveChatAsync(chat, "bench", ServiceChatMode.Autonomous).ConfigureAwait(false);
            }

            report.AppendLine(Row("outbound autonomous decision (counts toward a limit), 1 policy", await DecideAsync([policies[0]], chats, 600).ConfigureAwait(false)));
            report.AppendLine(Row("outbound autonomous decision, 3 policies at once (replicas)", await DecideAsync(policies, chats, 600).ConfigureAwait(false)));

            // Inbound on the local view: a service chat's reply, no database round trip (nothing is written).
            var inbound = new InboundMessage(chats[0], "hola");
            await policies[1].DecideInboundAsync(inbound).ConfigureAwait(false); // a reply resets the run of sends once (written)
            var clock = Stopwatch.StartNew();
            const int Replies = 1_000_000;
            for (var i = 0; i < Replies; i++)
            {
                var decision = policies[1].DecideInboundAsync(inbound);
                if (!decision.IsCompletedSuccessfully || !decision.Result.IsDelivered)
                {
                    throw new InvalidOperationException("The inbound decision left the local view.");
                }
            }

            clock.Stop();
            report.AppendLine(CultureInfo.InvariantCulture, $"| inbound decision on the local view (mean of {Replies:N0}) | {clock.Elapsed.TotalNanoseconds / Replies:F0} ns | | {Replies / clock.Elapsed.TotalSeconds:N0}/s |");

            // A change in one policy reaching another's local view (NOTIFY, then catching up by position).
            var lags = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var chat = PolicyFixture.Chat(10_000 + i);
                var watch = Stopwatch.StartNew();
                await policies[0].ApproveChatAsync(chat, "bench", ServiceChatMode.Autonomous).ConfigureAwait(false);
                var committed = watch.Elapsed;
                while (policies[2].GetStatus(chat).Status != ServiceChatStatus.Autonomous)
                {
                    await Task.Yield();
                }

                lags.Add((watch.Elapsed - committed).TotalMilliseconds);
            }

            report.AppendLine(Row("a change reaching another policy's local view", (lags, 0)));
        }
        finally
        {
            foreach (var policy in policies)
            {
                await policy.DisposeAsync().ConfigureAwait(false);
            }
        }

        return report.ToString();
    }

    private static async Task<ServiceConversationPolicy[]> OpenAsync(string connectionString, string schema, int count)
    {
        var policies = new ServiceConversationPolicy[count];
        for (var i = 0; i < count; i++)
        {
            var store = PostgreSqlServiceStateStore.Create(connectionString, new PostgreSqlStateOptions { Schema = schema });
            policies[i] = await new ServiceConversationPolicyBuilder()
                .WithOptions(new ServiceConversationOptions { Enabled = true, MaxAutoSendsPerChatPerHour = 10_000, MaxConsecutiveAgentSendsWithoutReply = 1_000, DuplicateSendMinutes = 0 })
                .UsePostgreSqlState(store).BuildAsync().ConfigureAwait(false);
        }

        return policies;
    }

    /// <summary>Decisions from every policy at once, each on its own chats; latencies in ms and the total rate.</summary>
    private static async Task<(List<double> Latencies, double Rate)> DecideAsync(ServiceConversationPolicy[] policies, ChatId[] chats, int perPolicy)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var runs = policies.Select((policy, p) => Task.Run(async () =>
        {
            var mine = new List<double>(perPolicy);
            for (var i = 0; i < perPolicy; i++)
            {
                var watch = Stopwatch.StartNew();
                var decision = await policy.DecideOutboundAsync(new OutboundRequest(chats[(i * policies.Length + p) % chats.Length], "hola", Initiator.Agent)).ConfigureAwait(false);
                mine.Add(watch.Elapsed.TotalMilliseconds);
                if (!decision.IsPermitted)
                {
                    throw new InvalidOperationException(decision.Explain());
                }
            }

            return mine;
        })).ToArray();
        foreach (var run in await Task.WhenAll(runs).ConfigureAwait(false))
        {
            latencies.AddRange(run);
        }

        clock.Stop();
        return (latencies, latencies.Count / clock.Elapsed.TotalSeconds);
    }

    private static string Row(string label, (List<double> Latencies, double Rate) measured)
    {
        var sorted = measured.Latencies.Order().ToArray();
        var p50 = sorted[(int)(sorted.Length * 0.50)];
        var p99 = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))];
        var rate = measured.Rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"{measured.Rate:N0}/s") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {p50:F2} ms | {p99:F2} ms | {rate} |");
    }
}
