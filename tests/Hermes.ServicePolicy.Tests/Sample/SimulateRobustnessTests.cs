using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Scenarios;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Sample;

/// <summary>
/// <c>simulate</c> never crashes on bad input (issue 11, item 11): every malformed line is exit 2 with its line number,
/// an unusable state directory is one clear message and exit 2, and bad actors or ids get the policy's answer.
/// </summary>
public class SimulateRobustnessTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-simulate-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private async Task<(int Exit, string Output, string Errors)> SimulateAsync(string[] lines, params string[] options)
    {
        var file = Path.Combine(_directory, "scenario.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await SimulateCommand.RunAsync([.. options, file], output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [TestCase("{\"op\":\"resolve\",\"target\":\"\\ud800\"}", "not valid Unicode")]
    [TestCase("{\"op\":\"resolve\",\"target\":\"a\\udc00b\"}", "not valid Unicode")]
    [TestCase("{\"op\":\"resolve\",\"target\":\"x\",\"target\":\"y\"}", "given twice")]
    [TestCase("{\"op\":\"configure\",\"service_conversations\":{\"enabled\":true,\"enabled\":false}}", "given twice")]
    [TestCase("{\"op\":\"recent_chats\",\"chats\":[{\"chatId\":\"34600000001@s.whatsapp.net\",\"lastMessageTimestamp\":1.5}]}", "lastMessageTimestamp")]
    [TestCase("{\"op\":\"recent_chats\",\"chats\":[{\"chatId\":\"34600000001@s.whatsapp.net\",\"lastMessageTimestamp\":1e30}]}", "lastMessageTimestamp")]
    [TestCase("{\"op\":\"recent_chats\",\"chats\":[{\"chatId\":\"34600000001@s.whatsapp.net\",\"lastMessageTimestamp\":-1}]}", "lastMessageTimestamp")]
    [TestCase("{\"op\":\"recent_chats\",\"chats\":[null]}", "object")]
    [TestCase("{\"op\":\"recent_chats\",\"chats\":[{\"name\":\"x\"}]}", "chatId")]
    [TestCase("{\"op\":\"approve\",\"draft\":\"\",\"by\":\"owner\"}", "must not be empty")]
    [TestCase("{\"op\":\"reject\",\"draft\":\"\",\"by\":\"owner\"}", "must not be empty")]
    [TestCase("{\"op\":\"now\",\"at\":\"11/25/2026\"}", "ISO 8601")]
    [TestCase("{\"op\":\"now\",\"at\":\"2026-11-25T10:00:00\"}", "ISO 8601")]
    [TestCase("{\"op\":\"now\",\"at\":\"2026-11-25\"}", "ISO 8601")]
    [TestCase("{\"op\":\"advance\",\"by\":\"P99999999Y\"}", "ISO 8601")]
    [TestCase("{\"op\":\"advance\",\"by\":\"P9000000D\"}", "")]
    public async Task A_malformed_line_is_exit_2_with_its_line_number(string line, string message)
    {
        var (exit, _, errors) = await SimulateAsync(["# first", "{\"op\":\"resolve\",\"target\":\"x\"}", line]);
        Assert.That(exit, Is.EqualTo(2), errors);
        Assert.That(errors, Does.Contain("line 3").And.Contain(message));
    }

    [TestCase(" ")]
    [TestCase("")]
    [TestCase("agent")]
    [TestCase("SYSTEM")]
    public async Task A_bad_actor_gets_invalid_actor_not_a_crash(string actor)
    {
        var (exit, output, errors) = await SimulateAsync(
        [
            "{\"op\":\"configure\",\"service_conversations\":{\"enabled\":true}}",
            "{\"op\":\"send\",\"target\":\"+34 600 000 001\",\"text\":\"hola\",\"initiator\":\"operator\",\"name\":\"d1\"}",
            $"{{\"op\":\"approve\",\"draft_ref\":\"d1\",\"by\":\"{actor}\",\"expect\":{{\"decision\":\"denied\",\"reason\":\"invalid_actor\"}}}}",
            $"{{\"op\":\"pause\",\"chat\":\"+34 600 000 001\",\"by\":\"{actor}\",\"expect\":{{\"ok\":false,\"reason\":\"invalid_actor\"}}}}",
            $"{{\"op\":\"alias\",\"chat\":\"+34 600 000 001\",\"alias\":\"123456789@lid\",\"by\":\"{actor}\",\"expect\":{{\"ok\":false,\"reason\":\"invalid_actor\"}}}}",
            "{\"op\":\"audit\",\"expect\":{\"events\":[{\"type\":\"policy_loaded\"},{\"type\":\"first_contact_drafted\"}]}}",
        ]);
        Assert.That(exit, Is.EqualTo(0), errors + output);
    }

    [Test]
    public async Task An_unknown_draft_id_is_unknown_draft()
    {
        var (exit, _, errors) = await SimulateAsync(["{\"op\":\"approve\",\"draft\":\"d_nope\",\"by\":\"owner\",\"expect\":{\"decision\":\"denied\",\"reason\":\"unknown_draft\"}}"]);
        Assert.That(exit, Is.EqualTo(0), errors);
    }

    [Test]
    public async Task A_state_directory_whose_log_is_a_directory_is_one_clear_message()
    {
        var state = Path.Combine(_directory, "state");
        Directory.CreateDirectory(Path.Combine(state, "events.log"));
        var (exit, _, errors) = await SimulateAsync(["{\"op\":\"resolve\",\"target\":\"x\"}"], "--state", state);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(errors, Does.Contain("is a directory, not a file").And.Not.Contain("   at "));
    }

    [Test]
    public async Task A_state_path_that_is_a_file_is_one_clear_message()
    {
        var state = Path.Combine(_directory, "state-file");
        await File.WriteAllTextAsync(state, "not a directory");
        var (exit, _, errors) = await SimulateAsync(["{\"op\":\"resolve\",\"target\":\"x\"}"], "--state", state);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(errors, Does.Contain("--state needs a directory").And.Not.Contain("   at "));
    }

    [TestCase("{\"op\":\"now\",\"at\":\"2025-01-01T00:00:00Z\"}", "cannot move backwards")]
    [TestCase("{\"op\":\"advance\",\"by\":\"-PT1H\"}", "cannot move backwards")]
    [TestCase("{\"op\":\"advance\",\"by\":\"P3000000D\"}", "cannot move past")]
    public async Task Clock_errors_are_one_line_without_parameter_dumps(string line, string message)
    {
        var (exit, _, errors) = await SimulateAsync([line]);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(errors, Does.Contain(message).And.Not.Contain("Parameter").And.Not.Contain("Actual value"));
        Assert.That(errors.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

#if NET10_0_OR_GREATER // the sample app targets net10.0 only
    [Test]
    public async Task The_real_process_exits_2_not_with_a_stack_trace()
    {
        var file = Path.Combine(_directory, "surrogate.jsonl");
        await File.WriteAllLinesAsync(file, ["{\"op\":\"resolve\",\"target\":\"\\ud800\"}"]);
        using var process = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(TestContext.CurrentContext.TestDirectory, "hermes-policy-sample.dll"), "simulate", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var errors = await process.StandardError.ReadAllAsync();
        await process.ExitedAsync();
        Assert.That(process.ExitCode, Is.EqualTo(2), errors);
        Assert.That(errors, Does.Contain("line 1").And.Not.Contain("Unhandled exception"));
    }
#endif
}
