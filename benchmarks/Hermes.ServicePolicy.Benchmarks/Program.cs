using System;
using System.IO;
using BenchmarkDotNet.Running;
using Hermes.ServicePolicy.Benchmarks;

// dotnet run -c Release --project benchmarks/Hermes.ServicePolicy.Benchmarks -- --filter '*'
// Smoke run (starts every benchmark once, measures nothing): add --job dry
// Memory figures (retained bytes per chat, decided drafts): -- figures
if (args.Length > 0 && args[0] == "figures")
{
    var report = await StateFigures.RunAsync();
    Console.Write(report);
    await File.WriteAllTextAsync(Path.Combine("benchmarks", "results", "state-figures.md"), report);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
