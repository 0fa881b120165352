#if NET10_0_OR_GREATER
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Console;

/// <summary>Live updates: the events stream says how many drafts wait, at once and when a new one arrives; the page loads its one script from the console.</summary>
public class ConsoleLiveTests
{
    [Test]
    public async Task A_draft_made_while_the_page_is_open_is_announced_on_the_events_stream()
    {
        await using var console = await ConsoleHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/service/events");
        request.Headers.Add("X-Test-User", ConsoleHost.Owner);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await console.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/event-stream"));
        Assert.That(await NextDataAsync(events, deadline.Token), Is.EqualTo("0"));
        await console.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Operator));
        Assert.That(await NextDataAsync(events, deadline.Token), Is.EqualTo("1"));
    }

    [Test]
    public async Task The_page_loads_its_script_from_the_console_and_has_no_inline_code()
    {
        await using var console = await ConsoleHost.StartAsync();
        var html = await (await console.GetAsync("/service/")).Content.ReadAsStringAsync();
        var script = await console.GetAsync("/service/console.js");

        Assert.That(html, Does.Contain("<script src=\"/service/console.js\" defer></script>"));
        Assert.That(html.Split("<script").Skip(1).All(tag => tag.StartsWith(" src=", StringComparison.Ordinal)), Is.True, "no inline script");
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(html, @"\son[a-z]+\s*="), Is.False, "no inline event handlers");
        Assert.That((script.StatusCode, script.Content.Headers.ContentType!.MediaType), Is.EqualTo((HttpStatusCode.OK, "text/javascript")));
        Assert.That(await script.Content.ReadAsStringAsync(), Does.Contain("textContent").And.Not.Contain("innerHTML"));
    }

    [Test]
    public async Task The_timeline_filters_by_chat_and_type_and_says_when_a_filter_does_not_read()
    {
        await using var console = await ConsoleHost.StartAsync();
        await console.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola Movistar", Initiator.Operator));
        await console.Policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "Hola Vodafone", Initiator.Operator));

        var filtered = await (await console.GetAsync($"/service/audit?chat={Uri.EscapeDataString(Vodafone)}&type=first_contact_drafted")).Content.ReadAsStringAsync();
        var bad = await console.GetAsync("/service/audit?type=no_such_event&since=yesterday");
        var badPage = await bad.Content.ReadAsStringAsync();

        Assert.That(filtered, Does.Contain("Hola Vodafone").And.Not.Contain("Hola Movistar").And.Not.Contain("policy_loaded"));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badPage, Does.Contain("the event type is not one the audit writes").And.Contain("the time is not ISO 8601").And.Not.Contain("Hola"));
    }

    [Test]
    public async Task The_chats_page_shows_the_limits_a_chat_has_used_and_when_they_free_up()
    {
        await using var console = await ConsoleHost.StartAsync();
        Assert.That((await console.Policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        var decision = await console.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "¿Y mi factura?", Initiator.Agent));
        Assert.That(decision.IsPermitted, Is.True, decision.Explain());
        var limits = console.Policy.GetLimitUsage(Id(Movistar));

        var page = await (await console.GetAsync("/service/chats")).Content.ReadAsStringAsync();

        Assert.That(page, Does.Contain("<th>Limits used</th>"));
        Assert.That(page, Does.Contain($"this hour: 1 of {limits.HourlyLimit}, one frees at {limits.HourlyFreesAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}"));
        Assert.That(page, Does.Contain($"in a row: 1 of {limits.InARowLimit}, a reply frees it"));
        Assert.That(page, Does.Contain("today, all chats: no daily cap"));
    }

    private static async Task<string> NextDataAsync(StreamReader events, CancellationToken cancellationToken)
    {
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }

        throw new EndOfStreamException("the events stream ended");
    }
}
#endif
