using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hermes.ServicePolicy.OwnerConsole.Pages;

/// <summary>
/// Live updates over Server-Sent Events: <c>drafts</c> with the number of pending drafts, at once and whenever it
/// changes (checked every second). The console's one script turns a rise into a notice on the drafts page; the pages
/// work without it. A stream ends when the browser leaves or the host stops, so it never holds a shutdown.
/// </summary>
internal static class ConsoleEvents
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The console's only script: no inline code, text set with <c>textContent</c>, never markup.</summary>
    public const string Script = """
        (() => {
          const notice = document.getElementById('live');
          if (!notice || !window.EventSource) { return; }
          let seen = null;
          const source = new EventSource(notice.dataset.events);
          source.addEventListener('drafts', (event) => {
            const pending = Number.parseInt(event.data, 10);
            if (seen !== null && pending > seen) {
              notice.textContent = 'A new draft is waiting: reload the page to see it.';
              notice.hidden = false;
            }
            seen = pending;
          });
        })();
        """;

    public static async Task StreamAsync(HttpContext http)
    {
        var policy = ConsolePages.Policy(http);
        var stopping = http.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        int? last = null;
        try
        {
            while (true)
            {
                var pending = policy.GetPendingDrafts().Count;
                if (pending != last)
                {
                    await http.Response.WriteAsync("event: drafts\ndata: " + pending.ToString(CultureInfo.InvariantCulture) + "\n\n", ended.Token).ConfigureAwait(false);
                    await http.Response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
                    last = pending;
                }

                await Task.Delay(Interval, ended.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
        }
    }
}
