using System;
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Sample.Simulation;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Sample;

/// <summary>The sample console host.</summary>
public static class Program
{
    /// <summary>Entry point: <c>simulate [--state DIR] FILE</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "simulate")
        {
            return await SimulateAsync(args[1..]).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync("usage: hermes-policy-sample simulate [--state DIR] FILE").ConfigureAwait(false);
        return 2;
    }

    private static async Task<int> SimulateAsync(string[] args)
    {
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--state" && i + 1 < args.Length)
            {
                i++; // the file-backed store arrives with the durable-state work; state is in memory until then
            }
            else
            {
                file = args[i];
            }
        }

        if (file is null)
        {
            await Console.Error.WriteLineAsync("usage: hermes-policy-sample simulate [--state DIR] FILE").ConfigureAwait(false);
            return 2;
        }

        var store = new InMemoryServiceStateStore();
        await using var runner = new ScenarioRunner(() => store, Console.Out, Console.Error);
        using var reader = new StreamReader(file);
        return await runner.RunAsync(reader).ConfigureAwait(false);
    }
}
