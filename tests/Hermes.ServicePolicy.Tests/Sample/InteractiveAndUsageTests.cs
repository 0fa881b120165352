#if NET10_0_OR_GREATER // the sample app targets net10.0 only
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Sample;
using Hermes.ServicePolicy.Sample.Interactive;
using Hermes.ServicePolicy.State;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Sample;

/// <summary>The sample as a newcomer meets it (issue 18): help, exit codes, one clear message per problem.</summary>
public class InteractiveAndUsageTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-interactive-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Exit, string Output, string Errors)> InteractiveAsync(string input, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await InteractiveCommand.RunAsync(args, new StringReader(input), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("help")]
    public async Task Help_exits_0(string flag) => Assert.That(await Program.Main([flag]), Is.EqualTo(0));

    [Test]
    public async Task An_unknown_command_is_usage_and_exit_2() => Assert.That(await Program.Main(["teleport"]), Is.EqualTo(2));

    [Test]
    public async Task Input_that_ends_after_an_error_exits_non_zero()
    {
        Assert.That((await InteractiveAsync("resolve +34 600 000 001\n")).Exit, Is.EqualTo(0));
        var (exit, output, _) = await InteractiveAsync("bogus command\nresolve +34 600 000 001\n");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error:"));
        Assert.That((await InteractiveAsync("bogus\nquit\n")).Exit, Is.EqualTo(0), "an explicit quit is the user's choice");
    }

    [Test]
    public async Task A_locked_state_directory_is_reported_once()
    {
        using var holder = FileServiceStateStore.Open(_directory);
        var (exit, output, errors) = await InteractiveAsync("resolve x\nlist\nstatus x\n", "--state", _directory);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(errors.Split("state store:").Length - 1, Is.EqualTo(1), errors);
        Assert.That(errors, Does.Contain("already open"));
        Assert.That(output, Does.Not.Contain("hermes>"));
    }

    [Test]
    public async Task A_state_path_that_is_a_file_says_a_directory_is_needed()
    {
        var file = Path.Combine(_directory, "state.txt");
        await File.WriteAllTextAsync(file, "x");
        var (exit, _, errors) = await InteractiveAsync("list\n", "--state", file);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(errors, Does.Contain("--state needs a directory"));
    }

    [TestCase("list abc", "'list' takes a number of chats")]
    [TestCase("now yesterday", "not an ISO 8601 time")]
    [TestCase("now 2020-01-01T00:00:00Z", "cannot move backwards")]
    public async Task Bad_arguments_are_one_line_messages_not_dotnet_exception_texts(string command, string message)
    {
        var (_, output, _) = await InteractiveAsync(command + "\n");
        Assert.That(output, Does.Contain(message).And.Not.Contain("input string").And.Not.Contain("Parameter"));
    }
}
#endif
