using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Architecture;

/// <summary>
/// No two of the core's types use each other (issue 24): a pair that does is one concept split in two, or a lower rung
/// reaching up. Found by name over the syntax (a type is every file that declares it; nested types count as their
/// outer type; XML docs are not code).
/// </summary>
public class TypeCycleTests
{
    [Test]
    public void No_two_types_of_the_core_use_each_other()
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Hermes.ServicePolicy.sln")))
        {
            repository = repository.Parent!;
        }

        var trees = Directory.EnumerateFiles(Path.Combine(repository.FullName, "src", "Hermes.ServicePolicy"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f)).ToList();
        var declared = trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Where(d => d.Parent is not BaseTypeDeclarationSyntax))
            .Select(d => d.Identifier.Text).ToHashSet(StringComparer.Ordinal);
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in trees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Where(d => d.Parent is not BaseTypeDeclarationSyntax)))
        {
            var used = uses.TryGetValue(type.Identifier.Text, out var existing) ? existing : uses[type.Identifier.Text] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in type.DescendantNodes().OfType<SimpleNameSyntax>().Select(n => n.Identifier.Text))
            {
                if (declared.Contains(name) && name != type.Identifier.Text)
                {
                    used.Add(name);
                }
            }
        }

        Assert.That((declared.Count, uses.Sum(u => u.Value.Count)), Is.GreaterThan((100, 300)), "the core's types and their uses were found");
        var cycles = uses.SelectMany(a => a.Value.Where(b => string.CompareOrdinal(a.Key, b) < 0 && uses.TryGetValue(b, out var back) && back.Contains(a.Key)).Select(b => $"{a.Key} <-> {b}")).Order().ToList();
        Assert.That(cycles, Is.Empty);
    }
}
