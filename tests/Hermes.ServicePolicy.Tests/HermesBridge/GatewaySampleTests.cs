#if NET10_0_OR_GREATER
using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>The sample's <c>gateway</c> command as a real process against the fake bridge, stopped with SIGINT.</summary>
public class GatewaySampleTests
{
    [Test]
    public async Task The_sample_gateway_answers_a_service_chat_through_the_policy_and_exits_0_on_sigint()
    {
        await using var bridge = await FakeBridge.StartAsync();
        var directory = Directory.CreateTempSubdirectory("hermes-sample-gateway-").FullName;
        try
        {
            var config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, """
                { "whatsapp": { "service_conversations": { "enabled": true, "default_mode": "autonomous", "approved_chats": ["+34 607 000 111"], "operator_chats": ["+34 611 222 333"] } } }
                """);
            var start = SampleProcess.Gateway("--bridge", bridge.Address.ToString(), "--config", config, "--state", Path.Combine(directory, "state"));
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            bridge.Receive(Movistar, "hola", "m1");
            bridge.Receive(Vodafone, "Su factura está lista", "m2");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            }
            while (line is not null && !line.Contains("\"kind\":\"reply\"", StringComparison.Ordinal));

            Assert.That(line, Does.Contain("\"outcome\":\"delivered\""), await Task.WhenAny(errors, Task.Delay(100)) == errors ? await errors : "the gateway stopped");
            Assert.That(bridge.Sent, Is.EqualTo(new[] { (Vodafone, "Recibido: Su factura está lista") }), "the unknown chat got nothing");

            // The owner asks the agent to contact a provider: a first contact, so a draft the owner is told about.
            bridge.Receive("34611222333@s.whatsapp.net", "contact +34 610 000 111: Hola, ¿me ayudan con mi factura?", "o1");
            var seen = new System.Text.StringBuilder();
            using var contactDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                do
                {
                    line = await process.StandardOutput.ReadLineAsync(contactDeadline.Token);
                    seen.AppendLine(line);
                }
                while (line is not null && !line.Contains("\"kind\":\"contact\"", StringComparison.Ordinal));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("no contact line; the gateway printed:\n" + seen);
            }

            Assert.That(line, Does.Contain("\"outcome\":\"draft\"").And.Contain(Movistar));

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
