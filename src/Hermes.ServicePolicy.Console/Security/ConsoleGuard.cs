using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hermes.ServicePolicy.OwnerConsole.Security;

/// <summary>
/// What every console endpoint runs before its handler (after the host's authorization): strict response headers
/// (no inline script or style, no framing, no caching, no referrer), the loopback rule, and for every change the
/// antiforgery token. A request it refuses reaches no handler, so it changes nothing.
/// </summary>
internal sealed class ConsoleGuard(ServiceConversationConsoleOptions options) : IEndpointFilter
{
    /// <summary>The Content-Security-Policy of every console response: own files only, nothing inline, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";

        if (!options.AllowRemoteRequests && !IsLoopback(http.Connection))
        {
            return Results.Text("The owner's console answers only on this machine (loopback). The host can allow remote requests behind TLS and its own authentication.", statusCode: StatusCodes.Status403Forbidden);
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var antiforgery = http.RequestServices.GetService<IAntiforgery>();
            if (antiforgery is null)
            {
                return Results.Text("The console cannot check its antiforgery tokens: call services.AddServiceConversationConsole().", statusCode: StatusCodes.Status500InternalServerError);
            }

            if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
            {
                return Results.Text("The form's antiforgery token is missing or wrong: reload the page and try again. Nothing was changed.", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(context).ConfigureAwait(false);
    }

    // Fail closed: a request without a remote address (a Unix socket, a custom server) is not known to be local. Behind a
    // proxy, the address is the one the host's forwarded-headers middleware set.
    private static bool IsLoopback(ConnectionInfo connection)
        => connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
}
