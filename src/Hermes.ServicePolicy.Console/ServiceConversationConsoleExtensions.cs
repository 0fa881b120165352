using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.OwnerConsole;
using Hermes.ServicePolicy.OwnerConsole.Actions;
using Hermes.ServicePolicy.OwnerConsole.Pages;
using Hermes.ServicePolicy.OwnerConsole.Security;
using ConsoleHtml = Hermes.ServicePolicy.OwnerConsole.Pages.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the owner's console (docs/owner-console.md).</summary>
public static class ServiceConversationConsoleExtensions
{
    /// <summary>
    /// Adds what the console needs: antiforgery and its options. The host still defines the authorization policy the
    /// console requires (<see cref="ServiceConversationConsoleOptions.AuthorizationPolicy"/>) and its authentication.
    /// </summary>
    public static IServiceCollection AddServiceConversationConsole(this IServiceCollection services, Action<ServiceConversationConsoleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        var options = services.AddOptions<ServiceConversationConsoleOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>
    /// Maps the console under <paramref name="prefix"/> and returns its endpoint group, so the host can add its own
    /// conventions. Every page and action requires the authorization policy, answers only loopback requests unless
    /// allowed, sends a strict Content-Security-Policy, and every change needs the form's antiforgery token.
    /// </summary>
    /// <exception cref="InvalidOperationException">An option is out of range, or <see cref="AddServiceConversationConsole"/> was not called.</exception>
    public static RouteGroupBuilder MapServiceConversationConsole(this IEndpointRouteBuilder endpoints, string prefix = "/service")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!prefix.StartsWith('/') || prefix.EndsWith('/'))
        {
            throw new ArgumentException("The console's prefix starts with '/' and does not end with one, as /service does.", nameof(prefix));
        }

        var options = endpoints.ServiceProvider.GetService<IOptions<ServiceConversationConsoleOptions>>()?.Value
            ?? throw new InvalidOperationException("Call services.AddServiceConversationConsole() before mapping the console.");
        options.Validate();
        var pages = new ConsolePages(prefix, options);
        var actions = new ConsoleActions(prefix);
        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(options.AuthorizationPolicy).AddEndpointFilter(new ConsoleGuard(options)).DisableAntiforgery(); // the guard checks the token itself, for every change
        // RequestDelegate handlers: no reflection-based parameter binding, so the console stays trimming and AOT safe.
        group.MapGet("/", Serve(http => Task.FromResult(pages.Drafts(http))));
        group.MapGet("/chats", Serve(http => Task.FromResult(pages.Chats(http))));
        group.MapGet("/audit", Serve(http => pages.Audit(http, http.RequestAborted)));
        group.MapGet("/status", Serve(http => pages.Status(http, http.RequestAborted)));
        group.MapGet("/console.css", Serve(_ => Task.FromResult(Results.Text(ConsoleHtml.Stylesheet, "text/css; charset=utf-8"))));
        group.MapGet("/console.js", Serve(_ => Task.FromResult(Results.Text(ConsoleEvents.Script, "text/javascript; charset=utf-8"))));
        group.MapGet("/events", (RequestDelegate)ConsoleEvents.StreamAsync);
        group.MapPost("/drafts/approve", Serve(http => actions.ApproveAsync(http, http.RequestAborted)));
        group.MapPost("/drafts/reject", Serve(http => actions.RejectAsync(http, http.RequestAborted)));
        group.MapPost("/chats/action", Serve(http => actions.ChatActionAsync(http, http.RequestAborted)));
        return group;
    }

    private static RequestDelegate Serve(Func<HttpContext, Task<IResult>> handler)
        => async http => await (await handler(http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false);
}
