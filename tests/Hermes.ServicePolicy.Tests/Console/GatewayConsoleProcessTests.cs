#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Tests.HermesBridge;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Console;

/// <summary>
/// What a newcomer does with the sample: run the gateway with <c>--console</c>, open the printed one-time link, see the
/// draft the agent made, approve it, and the provider gets the message (the sample as a process, the fake bridge).
/// </summary>
public class GatewayConsoleProcessTests
{
    private const string Owner = "34611222333@s.whatsapp.net";
    private const string Text = "Hola, ¿me ayudan con mi factura?";

    [Test]
    public async Task The_owner_signs_in_with_the_printed_link_once_approves_the_draft_and_it_is_sent()
    {
        await using var bridge = await FakeBridge.StartAsync();
        var directory = Directory.CreateTempSubdirectory("hermes-console-gateway-").FullName;
        try
        {
            var config = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(config, """
                { "whatsapp": { "service_conversations": { "enabled": true, "operator_chats": ["+34 611 222 333"] } } }
                """);
            var port = FreePort();
            using var gateway = GatewayProcess.Start(bridge, config, Path.Combine(directory, "state"), "--console", $"http://127.0.0.1:{port}/");
            await gateway.WaitUntilAsync(() => Url(gateway) is not null, "the console's sign-in line");
            bridge.Receive(Owner, "contact +34 610 000 111: " + Text, "o1");
            await gateway.WaitUntilAsync(() => gateway.Lines.Any(l => l.Contains("\"kind\":\"contact\"", StringComparison.Ordinal)), "the draft");

            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });
            var signedIn = await browser.GetAsync(Url(gateway));
            var page = await signedIn.Content.ReadAsStringAsync();
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK), page);
            Assert.That(page, Does.Contain("Pending drafts").And.Contain("me ayudan con mi factura"), "the text is HTML-encoded: ¿ is &#xBF;");
            Assert.That((await browser.GetAsync(Url(gateway))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the link works once");

            var fields = Regex.Matches(page, "name=\"([^\"]+)\" value=\"([^\"]+)\"").Take(3).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
            var approved = await browser.PostAsync($"http://127.0.0.1:{port}/service/drafts/approve", new FormUrlEncodedContent(fields));
            Assert.That(await approved.Content.ReadAsStringAsync(), Does.Contain("delivered"));
            Assert.That(bridge.Sent, Does.Contain(("34610000111@s.whatsapp.net", Text)));

            var (exitCode, errors) = await gateway.StopAsync();
            Assert.That(exitCode, Is.EqualTo(0), errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string? Url(GatewayProcess gateway)
        => gateway.Lines.Where(l => l.Contains("\"kind\":\"console\"", StringComparison.Ordinal)).Select(l => (string?)JsonNode.Parse(l)!["url"]!.GetValue<string>()).FirstOrDefault();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
#endif
