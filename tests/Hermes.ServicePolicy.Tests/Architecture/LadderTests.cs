using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Architecture;

/// <summary>docs/architecture.md: the core's folders form a ladder (no folder uses one below it), and no file grows past ~400 lines.</summary>
public partial class LadderTests
{
    private static readonly string[] Ladder = ["Text", "Identity", "", "Discovery", "Targeting", "Checks", "Configuration", "RateLimiting", "State", "Audit", "Notices", "Engine", "Rules", "Policy", "Commands"];

    // Discovery and Targeting share a rung (targeting looks names up in the directory; the directory never resolves);
    // Checks (the host's checks: what they see and answer) stands on the vocabulary and identities only.
    private static readonly Dictionary<string, int> Rung = new(StringComparer.Ordinal)
    {
        ["Text"] = 1, ["Identity"] = 2, [""] = 3, ["Discovery"] = 4, ["Targeting"] = 5, ["Checks"] = 5, ["Configuration"] = 6,
        ["RateLimiting"] = 6, ["State"] = 7, ["Audit"] = 8, ["Notices"] = 9, ["Engine"] = 10, ["Rules"] = 11, ["Policy"] = 12, ["Commands"] = 13,
    };

    private static string CoreDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hermes.ServicePolicy.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "src", "Hermes.ServicePolicy");
    }

    private static IEnumerable<string> SourceFiles(string root)
        => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^using (?:static )?Hermes\.ServicePolicy(?:\.(?<folder>[A-Za-z]+))?[;.]", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\bHermes\.ServicePolicy\.(?<folder>[A-Z][A-Za-z]+)\.[A-Z]")]
    private static partial Regex QualifiedName();

    [Test]
    public void No_folder_of_the_core_uses_a_folder_below_it()
    {
        var root = CoreDirectory();
        var violations = new List<string>();
        foreach (var file in SourceFiles(root))
        {
            var relative = Path.GetRelativePath(root, file);
            var folder = relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? relative[..relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)] : string.Empty;
            Assert.That(Rung.ContainsKey(folder), Is.True, $"{relative}: folder '{folder}' is not on the ladder of docs/architecture.md");
            var text = File.ReadAllText(file);
            var used = UsingDirective().Matches(text).Select(m => m.Groups["folder"].Value)
                .Concat(QualifiedName().Matches(text).Select(m => m.Groups["folder"].Value).Where(Rung.ContainsKey));
            foreach (var other in used.Distinct())
            {
                if (Rung.TryGetValue(other, out var otherRung) && otherRung > Rung[folder])
                {
                    violations.Add($"{relative} ({folder}) uses {other}");
                }
            }
        }

        Assert.That(violations, Is.Empty);
        Assert.That(Ladder, Has.Length.EqualTo(Rung.Count));
    }

    [Test]
    public void No_source_file_of_the_packages_is_over_400_lines()
    {
        var src = Path.GetDirectoryName(CoreDirectory())!;
        var long_ = SourceFiles(src).Select(f => (File: Path.GetRelativePath(src, f), Lines: File.ReadAllLines(f).Length)).Where(f => f.Lines > 400).ToList();
        Assert.That(long_, Is.Empty);
    }
}
