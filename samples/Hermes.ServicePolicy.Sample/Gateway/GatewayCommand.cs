using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.HermesBridge.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hermes.ServicePolicy.Sample.Gateway;

/// <summary>
/// <c>gateway --bridge URL [--state DIR] [--config FILE] [--session-dir DIR]</c>: the policy-gated gateway against a real
/// (or fake) Hermes bridge, with a stand-in agent (<see cref="StandInAgent"/>). One JSON line per decision and send on
/// stdout; exit 0 on SIGINT/SIGTERM once in-flight work is done.
/// </summary>
internal static class GatewayCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !options.TryAdd(args[i][2..], args[i + 1]))
            {
                await errors.WriteLineAsync($"gateway: unexpected '{args[i]}'").ConfigureAwait(false);
                return 2;
            }
        }

        if (args.Length % 2 != 0 || !options.TryGetValue("bridge", out var bridge) || !Uri.TryCreate(bridge, UriKind.Absolute, out var bridgeAddress))
        {
            await errors.WriteLineAsync("usage: hermes-policy-sample gateway --bridge URL [--state DIR] [--config FILE] [--session-dir DIR]").ConfigureAwait(false);
            return 2;
        }

        var state = options.TryGetValue("state", out var stateDirectory) ? stateDirectory : Directory.CreateTempSubdirectory("hermes-gateway-").FullName;
        var writeLock = new object();
        void Line(JsonObject json)
        {
            lock (writeLock)
            {
                output.WriteLine(json.ToJsonString());
                output.Flush();
            }
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        if (options.TryGetValue("config", out var config))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(config), optional: false, reloadOnChange: true);
        }

        builder.Configuration.AddInMemoryCollection([new($"{ServiceConversationOptions.SectionPath}:state_directory", Path.Combine(state, "policy"))]);
        builder.Services.AddSingleton<Action<JsonObject>>(Line);
        builder.Services.AddServiceConversationPolicy(builder.Configuration.GetSection(ServiceConversationOptions.SectionPath));
        builder.Services.AddServiceConversationPhoneNumbers();
        builder.Services.AddHermesBridge(o => o.BaseAddress = bridgeAddress);
        builder.Services.AddHermesBridgeGateway<StandInAgent>(o =>
        {
            o.JournalDirectory = Path.Combine(state, "gateway");
            o.SessionDirectory = options.GetValueOrDefault("session-dir");
            o.OnActivity = a => Line(new JsonObject { ["kind"] = a.Kind, ["chat"] = a.Chat, ["outcome"] = a.Outcome, ["detail"] = a.Detail });
        });
        try
        {
            using var host = builder.Build();
            await host.RunAsync().ConfigureAwait(false); // SIGINT / SIGTERM stop it after in-flight work
            return 0;
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or IOException or State.StateStoreCorruptedException or InvalidOperationException)
        {
            await errors.WriteLineAsync($"gateway: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
