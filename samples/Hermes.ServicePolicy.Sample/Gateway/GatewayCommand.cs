using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.AI;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hermes.ServicePolicy.Sample.Gateway;

/// <summary>
/// <c>gateway --bridge URL [--state DIR] [--config FILE] [--session-dir DIR] [--agent …]</c>: the policy-gated gateway
/// against a real (or fake) Hermes bridge, with a stand-in agent (<see cref="StandInAgent"/>) or, with
/// <c>--agent openai --endpoint URL --model NAME</c>, a model behind any OpenAI-compatible endpoint using the policy's
/// tools (<see cref="ChatClientAgent"/>; the key, if the endpoint needs one, in <c>OPENAI_API_KEY</c>). With
/// <c>--console URL</c>, the owner's console on that loopback address (<see cref="GatewayConsole"/>). One JSON line per
/// decision and send on stdout; exit 0 on SIGINT/SIGTERM once in-flight work is done.
/// </summary>
internal static class GatewayCommand
{
    public const string Usage = "usage: hermes-policy-sample gateway --bridge URL [--state DIR] [--config FILE] [--session-dir DIR] [--agent stand-in | --agent openai --endpoint URL --model NAME] [--console http://127.0.0.1:PORT/]";

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
            await errors.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var agent = options.GetValueOrDefault("agent", "stand-in");
        IChatClient? model = null;
        if (agent == "openai")
        {
            if (!options.TryGetValue("endpoint", out var endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointAddress) || !options.TryGetValue("model", out var modelName))
            {
                await errors.WriteLineAsync("gateway: --agent openai needs --endpoint URL and --model NAME (the key, if any, in OPENAI_API_KEY)").ConfigureAwait(false);
                return 2;
            }

            // A local server (llama.cpp, Ollama) takes any key; the client needs one.
            var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } k ? k : "none";
            var client = new OpenAI.Chat.ChatClient(modelName, new System.ClientModel.ApiKeyCredential(key), new OpenAI.OpenAIClientOptions { Endpoint = endpointAddress });
            model = new ChatClientBuilder(client.AsIChatClient()).UseFunctionInvocation().Build();
        }
        else if (agent != "stand-in")
        {
            await errors.WriteLineAsync($"gateway: --agent is stand-in or openai, not '{agent}'").ConfigureAwait(false);
            return 2;
        }

        Uri? consoleAddress = null;
        if (options.TryGetValue("console", out var consoleUrl) && (consoleAddress = GatewayConsole.Parse(consoleUrl, out var consoleProblem)) is null)
        {
            await errors.WriteLineAsync(consoleProblem).ConfigureAwait(false);
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

        var web = consoleAddress is null ? null : GatewayConsole.CreateBuilder(consoleAddress);
        IHostApplicationBuilder builder = web is null ? Host.CreateApplicationBuilder() : web;
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
        builder.Services.AddHermesBridge(o =>
        {
            o.BaseAddress = bridgeAddress;
            o.SessionDirectory = options.GetValueOrDefault("session-dir");
        });
        if (model is not null)
        {
            builder.Services.AddSingleton(sp => new ServiceConversationTools(sp.GetRequiredService<ServicePolicy.Policy.ServiceConversationPolicy>(), sp.GetRequiredService<GatedSender>()));
            builder.Services.AddSingleton<IServiceAgent>(sp => new ChatClientAgent(sp, model));
        }

        builder.Services.AddHermesBridgeGateway<StandInAgent>(o =>
        {
            o.JournalDirectory = Path.Combine(state, "gateway");
            o.OnActivity = a => Line(new JsonObject { ["kind"] = a.Kind, ["chat"] = a.Chat, ["outcome"] = a.Outcome, ["detail"] = a.Detail });
        });
        try
        {
            using IHost host = web is null ? ((HostApplicationBuilder)builder).Build() : GatewayConsole.Build(web, consoleAddress!, Line);
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
