using System;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using Hermes.ServicePolicy.OwnerConsole;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.ServicePolicy.Sample.Gateway;

/// <summary>
/// <c>gateway --console URL</c>: the owner's console on a loopback address, for local evaluation only. A one-time token,
/// printed at start (as Jupyter does), signs the owner in with a cookie; it works once. A real host brings its own
/// authentication (docs/owner-console.md).
/// </summary>
internal static class GatewayConsole
{
    /// <summary>The actor of the console's actions in the sample (the policy reserves <c>owner</c> itself).</summary>
    public const string Actor = "console-owner";

    /// <summary>Checks that <paramref name="url"/> is an http address on loopback; null with the reason otherwise.</summary>
    public static Uri? Parse(string url, out string? problem)
    {
        problem = null;
        if (Uri.TryCreate(url, UriKind.Absolute, out var address) && address.Scheme == Uri.UriSchemeHttp && address.IsLoopback && address.AbsolutePath == "/")
        {
            return address;
        }

        problem = "gateway: --console takes a loopback address such as http://127.0.0.1:8080/ (the sample's console is for local evaluation only)";
        return null;
    }

    public static WebApplicationBuilder CreateBuilder(Uri address)
    {
        var builder = WebApplication.CreateBuilder();
        // Kestrel's own options, not the "urls" setting: the gateway replaces the configuration sources afterwards.
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                k.Listen(ip, address.Port);
            }
            else
            {
                k.ListenLocalhost(address.Port);
            }
        });
        builder.Services.AddServiceConversationConsole();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "hermes-console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.LoginPath = "/service/sign-in";
        });
        builder.Services.AddAuthorization(o => o.AddPolicy(ServiceConversationConsoleOptions.DefaultAuthorizationPolicy, p => p.RequireAuthenticatedUser()));
        return builder;
    }

    /// <summary>Maps the console and its one-time sign-in, and says where to open it (a <c>console</c> line, once it listens).</summary>
    public static WebApplication Build(WebApplicationBuilder builder, Uri address, Action<JsonObject> line)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/service/sign-in", async (HttpContext http) =>
        {
            var offered = http.Request.Query["token"].ToString();
            var expected = Volatile.Read(ref token);
            if (expected is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(expected))
                || Interlocked.CompareExchange(ref token, null, expected) != expected)
            {
                return Results.Text("This sign-in link is not valid (it works once). Restart the gateway for a new one.", statusCode: StatusCodes.Status403Forbidden);
            }

            var owner = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, Actor)], CookieAuthenticationDefaults.AuthenticationScheme));
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, owner).ConfigureAwait(false);
            return Results.Redirect("/service/");
        });
        app.MapServiceConversationConsole("/service");
        var link = new Uri(address, "/service/sign-in?token=" + token).ToString();
        app.Lifetime.ApplicationStarted.Register(() => line(new JsonObject { ["kind"] = "console", ["url"] = link, ["detail"] = "development only: a one-time sign-in link" }));
        return app;
    }
}
