#if NET10_0_OR_GREATER
using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Claims;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.OwnerConsole;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Tests.Docs;
using Hermes.ServicePolicy.Tests.HermesBridge;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Console;

/// <summary>
/// The owner's console in a real browser: headless Chromium through Selenium and Debian's chromedriver (the test script
/// installs both), against the console on Kestrel. The owner approves a draft and sees the send in the timeline; the
/// test takes a screenshot of each page (docs/screenshots holds them, from <c>HERMES_UPDATE_SCREENSHOTS=1</c>).
/// </summary>
[NonParallelizable]
public class ConsoleBrowserTests
{
    private const string Text = "Hola, ¿me ayudan con mi factura de noviembre?";

    [Test]
    public async Task The_owner_approves_a_draft_in_a_browser_and_sees_it_sent_in_the_timeline()
    {
        var transport = new InMemoryTransport();
        var (app, address) = await LoopbackApp.StartAsync(Configure(transport), app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/test-sign-in", async (HttpContext http) =>
            {
                var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "owner@example.com")], CookieAuthenticationDefaults.AuthenticationScheme));
                await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, owner);
                return Results.Redirect("/service/");
            });
            app.MapServiceConversationConsole("/service");
        });
        try
        {
            var policy = app.Services.GetRequiredService<ServiceConversationPolicy>();
            await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), Text, Initiator.Operator));
            await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "<b>Nota</b> \u202Eoculta\u202C", Initiator.Operator));

            using var browser = StartChromium();
            browser.Navigate().GoToUrl(new Uri(address, "/test-sign-in"));
            Assert.That(browser.Title, Does.StartWith("Pending drafts"));
            Assert.That(browser.FindElement(By.TagName("main")).Text, Does.Contain("<b>Nota</b> [U+202E]oculta[U+202C]"), "markup and bidi characters shown as text");
            Screenshot(browser, "drafts");

            var row = browser.FindElements(By.CssSelector("tr[id^='d-']")).Single(r => r.Text.Contains("factura de noviembre", StringComparison.Ordinal));
            row.FindElement(By.XPath(".//button[text()='Approve this text']")).Click();
            // The drafts page has a hidden live-notice paragraph of the same class: wait for the action's answer on the
            // page that replaces it. Reading the first match could catch the old page's as it went (a stale element).
            var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(30));
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            var result = wait.Until(b => b.FindElements(By.CssSelector("p.result:not(#live)")) is [var answer] ? answer.Text : null);
            Assert.That(result, Does.Contain("delivered"));
            Screenshot(browser, "approved");

            browser.Navigate().GoToUrl(new Uri(address, "/service/audit"));
            var timeline = browser.FindElement(By.TagName("table")).Text;
            Assert.That(timeline, Does.Contain("first_contact_approved").And.Contain("first_contact_sent").And.Contain("owner@example.com"));
            Screenshot(browser, "audit");
            browser.Navigate().GoToUrl(new Uri(address, "/service/chats"));
            Screenshot(browser, "chats");
            browser.Navigate().GoToUrl(new Uri(address, "/service/status"));
            Screenshot(browser, "status");

            Assert.That(transport.Sent.Select(m => (m.Chat, m.Text)), Is.EqualTo(new[] { (Id(Movistar), Text) }));
        }
        finally
        {
            await LoopbackApp.StopAsync(app);
        }
    }

    private static Action<IServiceCollection> Configure(InMemoryTransport transport) => services =>
    {
        services.AddServiceConversationPolicy(o => o.Enabled = true).AddInMemoryServiceConversationState();
        services.AddSingleton<IMessageSender>(transport).AddGatedSender();
        services.AddServiceConversationConsole();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddAuthorization(o => o.AddPolicy(ServiceConversationConsoleOptions.DefaultAuthorizationPolicy, p => p.RequireAuthenticatedUser()));
    };

    // Debian's chromium and chromedriver, never a download: the paths are given, and Selenium Manager is told to stay offline.
    private static ChromeDriver StartChromium()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/chromedriver"))
        {
            Assert.Fail("Chromium and chromedriver are missing: run the README's test command (bash .ci/test), which installs Debian's chromium and chromium-driver.");
        }

        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,800");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    // Attached to the test's results; with HERMES_UPDATE_SCREENSHOTS=1, also written over docs/screenshots (how the
    // committed ones were taken), so an ordinary run leaves the working tree as it was.
    private static void Screenshot(ChromeDriver browser, string page)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"console-{page}.png");
        browser.GetScreenshot().SaveAsFile(file);
        TestContext.AddTestAttachment(file);
        if (Environment.GetEnvironmentVariable("HERMES_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(file, Path.Combine(DocumentationTests.RepositoryRoot(), "docs", "screenshots", $"console-{page}.png"), overwrite: true);
        }
    }
}
#endif
