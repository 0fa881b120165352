#if NET10_0_OR_GREATER
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The sample's gateway with a real <c>IChatClient</c> agent (<c>--agent openai</c>) as a process, against the fake
/// bridge and a scripted OpenAI-compatible endpoint: a provider's message reaches the model in its session, the model's
/// tool call goes out through the policy's permit, and the model reads what happened.
/// </summary>
public class GatewayAgentProcessTests
{
    [Test]
    public async Task A_providers_message_reaches_the_model_and_its_answer_goes_out_through_the_permit()
    {
        await using var bridge = await FakeBridge.StartAsync();
        await using var model = await FakeModel.StartAsync();
        var directory = Directory.CreateTempSubdirectory("hermes-sample-agent-").FullName;
        try
        {
            var config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, """
                { "whatsapp": { "service_conversations": { "enabled": true, "default_mode": "autonomous", "approved_chats": ["+34 607 000 111"] } } }
                """);
            var start = SampleProcess.Gateway("--bridge", bridge.Address.ToString(), "--config", config, "--state", Path.Combine(directory, "state"), "--agent", "openai", "--endpoint", model.Endpoint.ToString(), "--model", "scripted");
            start.Environment["OPENAI_API_KEY"] = "test-key";
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            bridge.Receive(Vodafone, "Hay una avería en su zona; mañana pasa un técnico.", "m1");
            bridge.Receive(Movistar, "hola", "m2"); // unknown: never reaches the model

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var seen = new System.Text.StringBuilder();
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(deadline.Token);
                seen.AppendLine(line);
            }
            while (line is not null && !line.Contains("\"kind\":\"agent\"", StringComparison.Ordinal));

            Assert.That(line, Does.Contain("\"outcome\":\"answered\"").And.Contain("\"detail\":\"done\""), seen + (process.HasExited ? await errors : string.Empty));
            Assert.That(bridge.Sent, Is.EqualTo(new[] { (Vodafone, FakeModel.Reply) }), "the model's answer went out through the permit, once; the unknown chat got nothing");
            var requests = model.Requests.ToArray();
            Assert.That(requests, Has.Length.EqualTo(2), "one turn: the tool call, then the answer after reading the tool's result");
            var told = requests[0]["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToArray();
            Assert.That(told[^1], Is.EqualTo($"Message from the service chat {Vodafone}:\nHay una avería en su zona; mañana pasa un técnico."));
            Assert.That(told, Has.None.Contains("hola"), "the unknown chat's message never reached the model");
            Assert.That(requests[0]["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { "list_service_chats", "find_chat", "send_whatsapp_message", "chat_status" }));
            var toolAnswer = requests[1]["messages"]!.AsArray()[^1]!;
            Assert.That((toolAnswer["role"]!.GetValue<string>(), toolAnswer["content"]!.ToString()), Is.EqualTo(("tool", $"sent: the message went out to {Vodafone}.")), "the model read what happened");
            Assert.That(model.Authorization, Is.EqualTo("Bearer test-key"), "the key from OPENAI_API_KEY");

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt!.WaitForExitAsync(deadline.Token);
            }

            await process.WaitForExitAsync(deadline.Token);
            Assert.That(process.ExitCode, Is.EqualTo(0), await errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
#endif
