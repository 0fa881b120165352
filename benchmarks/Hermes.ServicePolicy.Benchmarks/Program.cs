using System;
using System.IO;
using BenchmarkDotNet.Running;
using Hermes.ServicePolicy.Benchmarks;

// dotnet run -c Release --project benchmarks/Hermes.ServicePolicy.Benchmarks -- --filter '*'
// Smoke run (starts every benchmark once, measures nothing): add --job dry
// Memory figures (retained bytes per chat, decided drafts): -- figures
// PostgreSQL figures (latency percentiles, replicas, propagation): -- figures-postgres CONNECTION_STRING
if (args.Length > 0 && args[0] == "figures")
{
    var report = await StateFigures.RunAsync();
    Console.Write(report);
    await File.WriteAllTextAsync(Path.Combine("benchmarks", "results", "state-figures.md"), report);
    return;
}

if (args.Length > 1 && args[0] == "figures-postgres")
{
    var report = await PostgreSqlFigures.RunAsync(args[1]);
    Console.Write(report);
    await File.WriteAllTextAsync(Path.Combine("benchmarks", "results", "postgresql-figures.md"), report);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
