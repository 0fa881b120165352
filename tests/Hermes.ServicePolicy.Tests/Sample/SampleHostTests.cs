#if NET10_0_OR_GREATER // the sample app targets net10.0 only
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Sample.Demo;
using Hermes.ServicePolicy.Sample.Interactive;
using Hermes.ServicePolicy.Scenarios;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Sample;

/// <summary>The sample host's three modes, as a newcomer runs them.</summary>
public class SampleHostTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-sample-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task The_guided_demo_tells_the_whole_story_in_plain_text()
    {
        var output = new StringWriter();
        Assert.That(await GuidedDemo.RunAsync(new Terminal(output, color: false)), Is.EqualTo(0));
        var text = output.ToString();
        Assert.That(text.Contains('\u001b', System.StringComparison.Ordinal), Is.False, "plain output when redirected (an ordinal search: a culture-aware one ignores the control character)");
        Assert.That(text, Does.Contain("blocked unknown_chat"));
        Assert.That(text, Does.Contain("first-contact draft"));
        Assert.That(text, Does.Contain("into session s-42"));
        Assert.That(text, Does.Contain("plain conversation text"));
        Assert.That(text, Does.Contain("denied consecutive_sends_without_reply"));
        Assert.That(text, Does.Contain("denied paused"));
        Assert.That(text, Does.Contain("blocked revoked"));
        Assert.That(text, Does.Contain("chat_revoked"));
    }

    [Test]
    public async Task Simulate_with_a_state_directory_continues_where_the_last_run_stopped()
    {
        var first = Path.Combine(_directory, "first.jsonl");
        var second = Path.Combine(_directory, "second.jsonl");
        await File.WriteAllLinesAsync(first,
        [
            "{\"op\":\"configure\",\"service_conversations\":{\"enabled\":true}}",
            "{\"op\":\"revoke\",\"chat\":\"+34 610 000 111\",\"by\":\"owner\",\"expect\":{\"ok\":true}}",
        ]);
        await File.WriteAllLinesAsync(second,
        [
            "{\"op\":\"configure\",\"service_conversations\":{\"enabled\":true}}",
            "{\"op\":\"status\",\"chat\":\"+34 610 000 111\",\"expect\":{\"status\":\"revoked\"}}",
        ]);
        var state = Path.Combine(_directory, "state");
        var errors = new StringWriter();
        Assert.That(await SimulateCommand.RunAsync(["--state", state, first], new StringWriter(), errors), Is.EqualTo(0), errors.ToString());
        Assert.That(await SimulateCommand.RunAsync(["--state", state, second], new StringWriter(), errors), Is.EqualTo(0), errors.ToString());
        Assert.That(await SimulateCommand.RunAsync([second], new StringWriter(), new StringWriter()), Is.EqualTo(1), "without --state, every run starts empty");
    }

    [Test]
    public async Task Simulate_reports_usage_and_missing_files_as_exit_code_2()
    {
        var errors = new StringWriter();
        Assert.That(await SimulateCommand.RunAsync([], new StringWriter(), errors), Is.EqualTo(2));
        Assert.That(await SimulateCommand.RunAsync([Path.Combine(_directory, "missing.jsonl")], new StringWriter(), errors), Is.EqualTo(2));
        Assert.That(errors.ToString(), Does.Contain("usage").And.Contain("missing.jsonl"));
    }

    [Test]
    public async Task A_malformed_line_stops_the_run_with_exit_code_2_after_the_steps_before_it()
    {
        var file = Path.Combine(_directory, "bad.jsonl");
        await File.WriteAllLinesAsync(file, ["# a comment", "", "{\"op\":\"resolve\",\"target\":\"x\"}", "{not json", "{\"op\":\"resolve\",\"target\":\"y\"}"]);
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.That(await SimulateCommand.RunAsync([file], output, errors), Is.EqualTo(2));
        Assert.That(output.ToString().Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(errors.ToString(), Does.Contain("line 4"));
    }

    [TestCase("{\"op\":\"teleport\"}", "unknown op")]
    [TestCase("{\"op\":\"send\",\"target\":\"x\",\"text\":\"y\"}", "initiator")]
    [TestCase("{\"op\":\"now\",\"at\":\"yesterday\"}", "ISO 8601")]
    [TestCase("{\"op\":\"advance\",\"by\":\"1 hour\"}", "ISO 8601")]
    [TestCase("[1,2]", "JSON object")]
    public async Task Malformed_steps_are_named(string line, string message)
    {
        var file = Path.Combine(_directory, "bad.jsonl");
        await File.WriteAllLinesAsync(file, [line]);
        var errors = new StringWriter();
        Assert.That(await SimulateCommand.RunAsync([file], new StringWriter(), errors), Is.EqualTo(2));
        Assert.That(errors.ToString(), Does.Contain(message));
    }

    [Test]
    public async Task The_clock_may_not_move_backwards()
    {
        var file = Path.Combine(_directory, "clock.jsonl");
        await File.WriteAllLinesAsync(file, ["{\"op\":\"now\",\"at\":\"2026-11-24T09:00:00Z\"}", "{\"op\":\"now\",\"at\":\"2026-11-24T08:00:00Z\"}"]);
        var errors = new StringWriter();
        Assert.That(await SimulateCommand.RunAsync([file], new StringWriter(), errors), Is.EqualTo(2));
        Assert.That(errors.ToString(), Does.Contain("backwards"));
    }

    [Test]
    public async Task The_interactive_prompt_runs_every_kind_of_command_and_survives_typos()
    {
        var config = Path.Combine(_directory, "config.json");
        await File.WriteAllTextAsync(config, "{\"whatsapp\":{\"service_conversations\":{\"enabled\":true}}}");
        var recent = Path.Combine(_directory, "recent.json");
        await File.WriteAllTextAsync(recent, "[{\"chatId\":\"34610000111@s.whatsapp.net\",\"name\":\"Movistar\",\"lastMessageTimestamp\":1795497000}]");
        var script = string.Join('\n',
            "help",
            $"configure {config}",
            $"recent {recent}",
            "list 5 --groups",
            "resolve Movistar",
            "bogus",
            "send Movistar \"Hola, soy yo\" --session s-1 --name d1",
            "approve d1 --by owner",
            "inbound 34610000111@s.whatsapp.net \"/stop\"",
            "send \"unclosed",
            "set-mode Movistar autonomous",
            "pause Movistar",
            "resume Movistar",
            "status +34 610 000 111",
            "now 2026-11-24T09:00:00Z",
            "advance PT1H",
            "restart",
            "approve-chat +34 607 000 111 --mode draft_only",
            "alias \"+34 607 000 111\" 55@lid",
            "revoke Movistar",
            "send Movistar hola",
            "reject d1",
            "history",
            "audit",
            "quit");
        var output = new StringWriter();
        var exit = await InteractiveCommand.RunAsync(["--state", Path.Combine(_directory, "state")], new StringReader(script), output, new StringWriter());
        var text = output.ToString();
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(text, Does.Contain("unknown command 'bogus'"));
        Assert.That(text, Does.Contain("a quote is not closed"));
        Assert.That(text, Does.Contain("\"decision\": \"sent\""));
        Assert.That(text, Does.Contain("\"as_plain_text\": true"));
        Assert.That(text, Does.Contain("\"status\": \"autonomous\""));
        Assert.That(text, Does.Contain("\"reason\": \"revoked\""));
        Assert.That(text, Does.Contain("\"reason\": \"draft_already_decided\""));
        Assert.That(text, Does.Contain("alias_linked"));
        Assert.That(text, Does.Contain("  2  configure"), "history lists what was typed");
    }

    [TestCase("send Movistar \"Hola, soy yo\"", new[] { "send", "Movistar", "Hola, soy yo" })]
    [TestCase("  resolve   +34 600  ", new[] { "resolve", "+34", "600" })]
    [TestCase("send x \"say \\\"hi\\\"\"", new[] { "send", "x", "say \"hi\"" })]
    [TestCase("send x \"\"", new[] { "send", "x", "" })]
    public void The_tokenizer_groups_quoted_words(string line, string[] expected)
    {
        Assert.That(InteractiveCommand.Tokenize(line), Is.EqualTo(expected));
    }
}
#endif
