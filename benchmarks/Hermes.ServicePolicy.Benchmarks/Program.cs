using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Hermes.ServicePolicy.Benchmarks -- --filter '*'
// Smoke run (starts every benchmark once, measures nothing): add --job dry
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
