#if NET10_0_OR_GREATER // compiled once, against the net10.0 build
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Docs;

/// <summary>
/// The README, the package READMEs and docs/ cannot rot (issue 18): every C# snippet compiles against the libraries as
/// a new console app would (top-level statements, the SDK's implicit usings), and the reference lists every reason
/// code and audit event the code has.
/// </summary>
public partial class DocumentationTests
{
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    public static IEnumerable<TestCaseData> Snippets()
    {
        var root = RepositoryRoot();
        var files = new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.GetRelativePath(root, f)))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var index = 0;
            foreach (Match match in CSharpBlock().Matches(File.ReadAllText(Path.Combine(root, file))))
            {
                index++;
                yield return new TestCaseData(file, match.Groups[1].Value).SetName($"Snippet {index} of {file} compiles");
            }
        }
    }

    [TestCaseSource(nameof(Snippets))]
    public void The_snippet_compiles(string file, string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: file);
        var usings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [usings, tree],
            References(),
            new CSharpCompilationOptions(
                // A snippet of statements is a program; one of declarations only (a test fixture to subclass) is a library.
                tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any() ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.That(errors, Is.Empty, $"{file}:\n{code}");
    }

    [Test]
    public void Every_reason_code_and_audit_event_is_in_the_behaviour_reference()
    {
        var behaviour = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "behaviour.md"));
        foreach (var reason in Enum.GetValues<ReasonCode>().Where(r => r != ReasonCode.None))
        {
            Assert.That(behaviour, Does.Contain($"`{reason.ToCode()}`"), reason.ToString());
        }

        foreach (var type in Enum.GetValues<Hermes.ServicePolicy.State.PolicyEventType>().Where(t => Hermes.ServicePolicy.State.PolicyEventTypes.IsAudited(t)))
        {
            var code = Hermes.ServicePolicy.State.PolicyEventTypes.ToCode(type);
            var shortForm = code.StartsWith("first_contact_", StringComparison.Ordinal) ? $"_{code["first_contact_".Length..]}" : code;
            Assert.That(behaviour.Contains($"`{code}`", StringComparison.Ordinal) || behaviour.Contains($"`{shortForm}`", StringComparison.Ordinal), Is.True, code);
        }
    }

    [Test]
    public void No_xml_doc_points_at_a_file_the_repository_does_not_have()
    {
        var root = RepositoryRoot();
        foreach (var source in Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(source);
            Assert.That(text, Does.Not.Contain("SPEC.md"), source);
            foreach (Match reference in DocsReference().Matches(text))
            {
                Assert.That(File.Exists(Path.Combine(root, reference.Groups[1].Value)), Is.True, $"{source} points at {reference.Value}");
            }
        }
    }

    private static IEnumerable<MetadataReference> References()
    {
        var directory = TestContext.CurrentContext.TestDirectory;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var ours = Directory.GetFiles(directory, "Hermes.ServicePolicy*.dll").Concat(Directory.GetFiles(directory, "Microsoft.Extensions.*.dll"));
        return platform.Concat(ours).Where(p => !p.EndsWith("Tests.dll", StringComparison.Ordinal))
            .GroupBy(Path.GetFileName).Select(g => g.Last())
            .Select(p => MetadataReference.CreateFromFile(p));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hermes.ServicePolicy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the tests run inside the repository; its root (Hermes.ServicePolicy.sln) was not found");
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"(docs/[a-z\-]+\.md)")]
    private static partial Regex DocsReference();
}
#endif
