using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Scenarios;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests;

/// <summary>Every scenario file, through the same runner the sample's <c>simulate</c> command uses.</summary>
public class ScenarioTests
{
    private static string ScenarioDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "scenarios");

    public static IEnumerable<TestCaseData> Scenarios()
    {
        var directory = Path.Combine(Path.GetDirectoryName(typeof(ScenarioTests).Assembly.Location)!, "scenarios");
        foreach (var file in Directory.EnumerateFiles(directory, "*.jsonl", SearchOption.AllDirectories).Order())
        {
            yield return new TestCaseData(Path.GetRelativePath(directory, file)).SetName($"Scenario {Path.GetRelativePath(directory, file)}");
        }
    }

    [TestCaseSource(nameof(Scenarios))]
    public async Task Scenario_passes(string relativePath)
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var exitCode = await SimulateCommand.RunAsync([Path.Combine(ScenarioDirectory, relativePath)], output, errors);

        Assert.That(exitCode, Is.EqualTo(0), $"{errors}\n--- output ---\n{output}");
    }

    [Test]
    public void The_shared_scenarios_are_present()
    {
        var files = Scenarios().Select(c => (string)c.Arguments[0]!).ToList();
        Assert.That(files, Does.Contain(Path.Combine("shared", "movistar.jsonl")));
        Assert.That(files, Does.Contain(Path.Combine("shared", "safe-defaults.jsonl")));
    }
}
