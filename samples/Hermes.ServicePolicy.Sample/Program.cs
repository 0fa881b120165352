using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Sample.Simulation;

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
            return await SimulateCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync(SimulateCommand.Usage).ConfigureAwait(false);
        return 2;
    }
}
