#if NET10_0_OR_GREATER
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>
/// Three OS processes (the sample's <c>simulate --postgres</c>, as replicas) deciding at once on one database: the
/// hourly limit and the daily new-chat limit hold exactly across them.
/// </summary>
[NonParallelizable]
public class ReplicaProcessTests
{
    [Test]
    public async Task Three_replica_processes_keep_the_limits_exact()
    {
        var schema = PostgreSqlSetUp.NewSchema();
        var scenario = Path.GetTempFileName();
        try
        {
            var lines = new[]
            {
                """{"op":"configure","service_conversations":{"enabled":true,"max_auto_sends_per_chat_per_hour":7,"max_consecutive_agent_sends_without_reply":100,"max_new_service_chats_per_day":2,"require_explicit_approval_for_first_contact":false}}""",
                """{"op":"now","at":"2026-11-24T09:00:00Z"}""",
                """{"op":"approve_chat","chat":"+34 610 000 111","mode":"autonomous","by":"owner"}""",
            }.Concat(Enumerable.Range(0, 12).Select(i => $$"""{"op":"send","target":"+34 610 000 111","text":"auto {{i}}","initiator":"agent"}"""))
             .Concat(Enumerable.Range(0, 3).Select(i => $$"""{"op":"send","target":"+34 6{{i}}0 222 333","text":"hola","initiator":"operator"}"""));
            await File.WriteAllLinesAsync(scenario, lines);

            var runs = Enumerable.Range(0, 3).Select(_ => RunAsync(schema, scenario)).ToArray();
            var outputs = await Task.WhenAll(runs);
            var results = outputs.SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(r => r.GetProperty("op").GetString() == "send")
                .ToList();
            var autonomous = results.Where(r => r.GetProperty("step").GetInt32() is >= 4 and <= 15).ToList();
            var firstContacts = results.Where(r => r.GetProperty("step").GetInt32() >= 16).ToList();
            Assert.That(autonomous, Has.Count.EqualTo(36));
            Assert.That(autonomous.Count(r => r.GetProperty("decision").GetString() == "sent"), Is.EqualTo(7), "7 autonomous sends an hour, across three processes");
            Assert.That(firstContacts.Count(r => r.GetProperty("decision").GetString() == "sent"), Is.EqualTo(2), "2 new chats a day, across three processes");
        }
        finally
        {
            File.Delete(scenario);
        }
    }

    private static async Task<string> RunAsync(string schema, string scenario)
    {
        var start = new ProcessStartInfo("dotnet", [SampleProcess.Dll(), "simulate", "--postgres", PostgreSqlSetUp.Server.ConnectionString, "--schema", schema, scenario])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NO_COLOR"] = "1" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.ExitedAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), await errors);
        return await output;
    }
}
#endif
