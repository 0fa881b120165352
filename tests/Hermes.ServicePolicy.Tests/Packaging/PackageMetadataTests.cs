#if NET10_0_OR_GREATER // packs once, from the net10.0 pass
using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Text;
using System.Threading.Tasks;
using System.Xml.Linq;
using Hermes.ServicePolicy.Tests.Docs;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Packaging;

/// <summary>
/// What a newcomer gets from NuGet (issue 18): each package packed from a clone of the committed repository, whose
/// origin is a GitHub URL as on the real one, carries its own README, the license, the repository and commit,
/// XML docs for each target, and symbols with SourceLink; dependencies are the lowest of each target's line.
/// </summary>
[NonParallelizable]
public class PackageMetadataTests
{
    private const string Origin = "https://github.com/example-org/Hermes.ServicePolicy.git";
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly string[] Packages = ["Hermes.ServicePolicy", "Hermes.ServicePolicy.Extensions", "Hermes.ServicePolicy.PhoneNumbers", "Hermes.ServicePolicy.Gateway", "Hermes.ServicePolicy.AI", "Hermes.ServicePolicy.Console"];
    private static readonly string[] Targets = ["net8.0", "net10.0"];
    private string _work = null!;
    private string _commit = null!;

    [OneTimeSetUp]
    public async Task PackFromACloneAsync()
    {
        _work = Directory.CreateTempSubdirectory("hermes-pack-").FullName;
        var clone = Path.Combine(_work, "repo");
        await RunAsync("git", ["clone", "-q", DocumentationTests.RepositoryRoot(), clone], _work);
        await RunAsync("git", ["remote", "set-url", "origin", Origin], clone);
        _commit = (await RunAsync("git", ["rev-parse", "HEAD"], clone)).Trim();
        foreach (var package in Packages)
        {
            await RunAsync("dotnet", ["pack", Path.Combine("src", package), "-c", "Release", "-o", Path.Combine(_work, "out"), "-p:ContinuousIntegrationBuild=true"], clone);
        }
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_work, recursive: true);

    [TestCaseSource(nameof(Packages))]
    public void The_package_describes_itself(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(_work, "out", $"{id}.0.1.0.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.That(Value("license"), Is.EqualTo("MIT"));
        Assert.That(Value("description"), Is.Not.Empty);
        Assert.That(Value("readme"), Is.EqualTo("README.md"));
        Assert.That(Value("icon"), Is.EqualTo("icon.png"));
        Assert.That(package.GetEntry("icon.png")!.Length, Is.GreaterThan(0));
        var readme = new StreamReader(package.GetEntry("README.md")!.Open()).ReadToEnd();
        Assert.That(readme, Does.StartWith($"# {id}\n"), "its own README, not the repository's");
        Assert.That(readme, Does.Not.Contain("## Run it").And.Not.Contain("](docs/").And.Not.Contain("](tests/"), "no repository-relative links");

        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.That(repository.Attribute("url")!.Value, Is.EqualTo(Origin));
        Assert.That(repository.Attribute("commit")!.Value, Is.EqualTo(_commit));

        foreach (var target in Targets)
        {
            Assert.That(package.GetEntry($"lib/{target}/{id}.dll"), Is.Not.Null, target);
            Assert.That(package.GetEntry($"lib/{target}/{id}.xml"), Is.Not.Null, $"XML docs for {target}");
        }
    }

    [TestCaseSource(nameof(Packages))]
    public void The_symbols_map_every_source_file_to_the_commit(string id)
    {
        using var symbols = ZipFile.OpenRead(Path.Combine(_work, "out", $"{id}.0.1.0.snupkg"));
        foreach (var target in Targets)
        {
            var entry = symbols.GetEntry($"lib/{target}/{id}.pdb");
            Assert.That(entry, Is.Not.Null, target);
            using var pdb = new MemoryStream();
            entry!.Open().CopyTo(pdb);
            pdb.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
            var reader = provider.GetMetadataReader();
            var sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
                .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
                .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
                .SingleOrDefault();
            Assert.That(sourceLink, Does.Contain($"https://raw.githubusercontent.com/example-org/Hermes.ServicePolicy/{_commit}/"), target);
        }
    }

    [TestCase("Hermes.ServicePolicy.Extensions", "net8.0", "8.0.0")]
    [TestCase("Hermes.ServicePolicy.Extensions", "net10.0", "10.0.0")]
    [TestCase("Hermes.ServicePolicy.PhoneNumbers", "net8.0", "8.0.0")]
    public void Dependencies_are_the_lowest_of_each_target_line(string id, string target, string version)
    {
        using var package = ZipFile.OpenRead(Path.Combine(_work, "out", $"{id}.0.1.0.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var group = nuspec.Descendants().Single(e => e.Name.LocalName == "group" && e.Attribute("targetFramework")?.Value == target);
        var extensions = group.Elements().Where(d => d.Attribute("id")!.Value.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)).ToList();
        Assert.That(extensions, Is.Not.Empty);
        Assert.That(extensions.Select(d => d.Attribute("version")!.Value), Is.All.EqualTo(version));
        Assert.That(extensions.Select(d => d.Attribute("id")!.Value), Has.None.EqualTo("Microsoft.Extensions.Configuration"), "only what the package uses");
    }

    [Test]
    public void The_core_package_has_no_package_dependencies()
    {
        using var package = ZipFile.OpenRead(Path.Combine(_work, "out", "Hermes.ServicePolicy.0.1.0.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "dependency"), Is.Empty);
    }

    [TestCase("Hermes.ServicePolicy.Gateway", new string[0])]
    [TestCase("Hermes.ServicePolicy.AI", new[] { "Hermes.ServicePolicy.Gateway", "Microsoft.Extensions.AI.Abstractions" })]
    [TestCase("Hermes.ServicePolicy.Console", new[] { "Hermes.ServicePolicy.Gateway" })] // ASP.NET Core is a framework reference, not a package
    public void A_companion_package_depends_on_the_core_and_only_what_it_names(string id, string[] others)
    {
        using var package = ZipFile.OpenRead(Path.Combine(_work, "out", $"{id}.0.1.0.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var dependencies = nuspec.Descendants().Single(e => e.Name.LocalName == "dependencies"); // not frameworkReferences' groups
        foreach (var target in Targets)
        {
            var group = dependencies.Elements().Single(e => e.Name.LocalName == "group" && e.Attribute("targetFramework")?.Value == target);
            Assert.That(group.Elements().Select(d => d.Attribute("id")!.Value), Is.EquivalentTo(others.Prepend("Hermes.ServicePolicy")), target);
        }
    }

    [Test]
    public void The_console_package_asks_for_ASP_NET_Core_as_a_framework_on_both_targets()
    {
        using var package = ZipFile.OpenRead(Path.Combine(_work, "out", "Hermes.ServicePolicy.Console.0.1.0.nupkg"));
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var references = nuspec.Descendants().Single(e => e.Name.LocalName == "frameworkReferences");
        foreach (var target in Targets)
        {
            var group = references.Elements().Single(e => e.Attribute("targetFramework")?.Value == target);
            Assert.That(group.Elements().Select(r => r.Attribute("name")!.Value), Is.EqualTo(new[] { "Microsoft.AspNetCore.App" }), target);
        }
    }

    [Test]
    public async Task A_new_console_app_runs_the_core_README_example_from_the_package()
    {
        // Only what the package ships: its README's snippet, the .nupkg from a folder feed, the machine's own sources.
        var app = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(app);
        using (var package = ZipFile.OpenRead(Path.Combine(_work, "out", "Hermes.ServicePolicy.0.1.0.nupkg")))
        {
            var readme = new StreamReader(package.GetEntry("README.md")!.Open()).ReadToEnd();
            var snippet = readme[(readme.IndexOf("```csharp\n", StringComparison.Ordinal) + 10)..];
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), snippet[..snippet.IndexOf("```", StringComparison.Ordinal)]);
        }

        await File.WriteAllTextAsync(Path.Combine(app, "consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="Hermes.ServicePolicy" Version="0.1.0" /></ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration><packageSources><add key="local" value="{Path.Combine(_work, "out")}" /></packageSources></configuration>
            """);
        // A packages folder of its own: the machine's NuGet cache may hold an older Hermes.ServicePolicy 0.1.0 (same
        // version, other bits), and a restore would take that one instead of the package packed from this commit.
        var output = await RunAsync("dotnet", ["run", "-c", "Release"], app, ("NUGET_PACKAGES", Path.Combine(_work, "consumer-packages")));
        Assert.That(output, Does.Contain("blocked (unknown_chat)")
            .And.Contain("permitted: send the first contact with 34610000111@s.whatsapp.net now, then report the outcome of send s1-1")
            .And.Contain("reported: ok"));
        Assert.That(Directory.Exists(Path.Combine(_work, "consumer-packages", "hermes.servicepolicy", "0.1.0")), "restored into its own folder");
    }

    private static async Task<string> RunAsync(string file, string[] args, string directory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.ExitedAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{file} {string.Join(' ', args)}\n{await output}\n{await errors}");
        return await output;
    }
}
#endif
