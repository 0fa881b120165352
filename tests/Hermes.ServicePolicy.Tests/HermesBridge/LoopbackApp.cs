#if NET10_0_OR_GREATER
using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>A small Kestrel app on a free loopback port, for the tests' fake servers (the bridge, a model endpoint).</summary>
internal static class LoopbackApp
{
    /// <summary>Starts an app with the routes <paramref name="map"/> adds; returns it and its address (ending in <c>/</c>).</summary>
    public static Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplication> map) => StartAsync(_ => { }, map);

    /// <summary>Starts an app with the services <paramref name="configure"/> adds and the routes <paramref name="map"/> adds.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Action<IServiceCollection> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configure(builder.Services);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/"));
    }

    public static async ValueTask StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
#endif
