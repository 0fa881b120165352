#if NET10_0_OR_GREATER
using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.OwnerConsole;
using Hermes.ServicePolicy.Policy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.Tests.Console;

/// <summary>
/// The console on an in-process ASP.NET Core host: the policy in memory, the in-memory transport behind the gated sender,
/// a test sign-in (<c>X-Test-User</c> names the user; no header is anonymous) and the caller's address from
/// <c>X-Test-Remote</c> (loopback when absent).
/// </summary>
internal sealed class ConsoleHost : IAsyncDisposable
{
    public const string Owner = "owner@example.com";
    private readonly WebApplication _app;

    private ConsoleHost(WebApplication app, InMemoryTransport transport)
    {
        _app = app;
        Transport = transport;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public InMemoryTransport Transport { get; }

    public ServiceConversationPolicy Policy => _app.Services.GetRequiredService<ServiceConversationPolicy>();

    public static async Task<ConsoleHost> StartAsync(Action<ServiceConversationConsoleOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var transport = new InMemoryTransport();
        builder.Services.AddServiceConversationPolicy(o => o.Enabled = true).AddInMemoryServiceConversationState();
        builder.Services.AddSingleton<IMessageSender>(transport).AddGatedSender();
        builder.Services.AddServiceConversationConsole(configure);
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, TestSignIn>("Test", null);
        builder.Services.AddAuthorization(o => o.AddPolicy(ServiceConversationConsoleOptions.DefaultAuthorizationPolicy, p => p.RequireAuthenticatedUser()));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue("X-Test-Remote", out var remote) ? IPAddress.Parse(remote.ToString()) : IPAddress.Loopback;
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapServiceConversationConsole("/service");
        await app.StartAsync();
        return new ConsoleHost(app, transport);
    }

    /// <summary>A GET as <paramref name="user"/> (null: anonymous).</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? user = Owner, string? remote = null)
        => Client.SendAsync(Request(HttpMethod.Get, path, user, remote));

    /// <summary>
    /// A form post as <paramref name="user"/>, with the antiforgery token and cookie of a page fetched first (as a browser
    /// would), unless <paramref name="withToken"/> is false.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string path, (string Name, string Value)[] fields, string? user = Owner, bool withToken = true)
    {
        var request = Request(HttpMethod.Post, path, user, null);
        var form = fields.ToList();
        if (withToken)
        {
            var page = await GetAsync("/service/", user);
            var token = Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"([^\"]+)\" value=\"([^\"]+)\"");
            if (!token.Success)
            {
                page = await GetAsync("/service/chats", user); // no draft left to show a form: the chats page has forms too
                token = Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"([^\"]+)\" value=\"([^\"]+)\"");
            }

            form.Add((token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)));
            request.Headers.Add("Cookie", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        }

        request.Content = new FormUrlEncodedContent(form.Select(f => new System.Collections.Generic.KeyValuePair<string, string>(f.Name, f.Value)));
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? user, string? remote)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", Uri.EscapeDataString(user));
        }

        if (remote is not null)
        {
            request.Headers.Add("X-Test-Remote", remote);
        }

        return request;
    }

    private sealed class TestSignIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Test-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Uri.UnescapeDataString(user.ToString()))], "Test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
        }
    }
}
#endif
