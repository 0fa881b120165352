using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Sample.Demo;
using Hermes.ServicePolicy.Sample.Interactive;
using Hermes.ServicePolicy.Scenarios;

namespace Hermes.ServicePolicy.Sample;

/// <summary>The sample console host.</summary>
public static class Program
{
    private const string Usage = """
        usage: hermes-policy-sample                                 the guided demo
               hermes-policy-sample simulate [--state DIR | --postgres CONNECTION_STRING [--schema NAME]] FILE
                                                            replay a scenario (JSON Lines); several may share one database
               hermes-policy-sample interactive [--state DIR]       a prompt with a command per scenario step
               hermes-policy-sample history --state DIR [--chat TARGET] [--since ISO-TIME] [--type TYPE]...
                                                                    the audit trail, read-only (works while a gateway runs)
               hermes-policy-sample gateway --bridge URL [--state DIR] [--config FILE] [--session-dir DIR]
                                    [--agent stand-in | --agent openai --endpoint URL --model NAME]
                                                                    run the policy-gated gateway against a Hermes bridge
        """;

    /// <summary>Entry point: the guided demo, <c>simulate</c> or <c>interactive</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.Length == 0 ? "demo" : args[0])
        {
            case "demo":
                return await GuidedDemo.RunAsync(Terminal.ForConsole()).ConfigureAwait(false);
            case "simulate":
                return await SimulateCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
            case "history":
                return await History.HistoryCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
            case "gateway":
                return await Gateway.GatewayCommand.RunAsync(args[1..], Console.Out, Console.Error).ConfigureAwait(false);
            case "interactive":
                return await InteractiveCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error).ConfigureAwait(false);
            case "--help" or "-h" or "help":
                await Console.Out.WriteLineAsync(Usage).ConfigureAwait(false);
                return 0;
            default:
                await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
        }
    }
}
