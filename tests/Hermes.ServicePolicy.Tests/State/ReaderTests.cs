using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>docs/state-and-backups.md "Readers": another process reads a state directory while its writer runs.</summary>
public class ReaderTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-reader-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    // The files and their sizes (the writer holds the lock file exclusively, so it is not read).
    private static string[] Snapshot(string directory)
        => Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}").ToArray();

    [Test]
    public async Task A_reader_sees_status_and_history_while_the_writer_runs_never_writes_and_a_second_writer_is_refused()
    {
        using var store = FileServiceStateStore.Open(_directory);
        await using var writer = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(new FakeTimeProvider(Start))
            .WithOptions(new ServiceConversationOptions { Enabled = true }).BuildAsync();
        await writer.RevokeAsync(Id(Movistar), "owner");

        var second = Assert.Throws<IOException>(() => FileServiceStateStore.Open(_directory));
        Assert.That(second!.Message, Does.Contain(_directory).And.Contain("already open for writing"));

        var before = Snapshot(_directory);
        await using (var reader = await new ServiceConversationPolicyBuilder().WithStateStore(FileStateReader.Open(_directory)).BuildAsync())
        {
            Assert.That(reader.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked));
            await writer.PauseAsync(Id(Vodafone), "owner"); // the writer goes on; the reader sees its state as loaded
            var history = await reader.ReadHistoryAsync(new HistoryQuery { Types = new System.Collections.Generic.HashSet<PolicyEventType> { PolicyEventType.ChatRevoked } }).ToListAsync();
            Assert.That(history.Single().Chat.ToString(), Is.EqualTo(Movistar));
            Assert.That((await reader.RevokeAsync(Id(Vodafone), "owner")).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable), "a reader never writes");
        }

        Assert.That(Snapshot(_directory).Select(f => f.Split(':')[0]), Is.EqualTo(before.Select(f => f.Split(':')[0])), "no file created by the reader");
        Assert.That((await writer.ApproveChatAsync(Id(Orange), "owner")).Ok, Is.True, "the writer was never blocked");
    }

    [Test]
    public async Task A_writers_unfinished_append_is_not_damage_to_a_reader()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        await using (var writer = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(new FakeTimeProvider(Start))
            .WithOptions(new ServiceConversationOptions { Enabled = true }).BuildAsync())
        {
            await writer.RevokeAsync(Id(Movistar), "owner");
        }

        var active = Directory.GetFiles(_directory, "events*.log").OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).Last();
        File.AppendAllText(active, "{\"seq\":99,\"type\":\"chat_re"); // mid-append
        var loaded = await FileStateReader.Open(_directory).ReadAllAsync();
        Assert.That(loaded.Select(e => e.Type), Does.Contain(PolicyEventType.ChatRevoked));
    }

#if NET10_0_OR_GREATER
    [Test]
    public async Task The_samples_history_command_reads_a_directory_a_writer_holds()
    {
        using var store = FileServiceStateStore.Open(_directory);
        await using var writer = await new ServiceConversationPolicyBuilder().WithStateStore(store).WithTimeProvider(new FakeTimeProvider(Start))
            .WithOptions(new ServiceConversationOptions { Enabled = true }).BuildAsync();
        await writer.RevokeAsync(Id(Movistar), "owner");
        await writer.ApproveChatAsync(Id(Vodafone), "owner");

        var start = new ProcessStartInfo("dotnet", [Path.Combine(TestContext.CurrentContext.TestDirectory, "hermes-policy-sample.dll"), "history", "--state", _directory, "--chat", "+34 610 000 111"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadAllAsync();
        var errors = await process.StandardError.ReadAllAsync();
        await process.ExitedAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), errors);
        Assert.That(output.Trim().Split('\n'), Has.Length.EqualTo(1).And.Some.Contains("\"type\":\"chat_revoked\""));
    }
#endif
}
