using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.Extensions.Hosting;

/// <summary>
/// Runs the policy's sweep every <see cref="ServiceConversationHostOptions.SweepInterval"/> (docs/behaviour.md): drafts
/// past their time to live expire, sends not confirmed within <c>send_confirmation_minutes</c> close as
/// <c>send_unknown</c>, and the roll-up of blocked messages of a past hour is written. Timed by the registered
/// <see cref="TimeProvider"/>. A failed sweep is logged and tried again at the next tick.
/// </summary>
internal sealed class ServiceConversationSweeper : BackgroundService
{
    private readonly ServiceConversationPolicyHost _host;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private PeriodicTimer? _timer;

    public ServiceConversationSweeper(ServiceConversationPolicyHost host, TimeProvider time, IOptions<ServiceConversationHostOptions> options, ILoggerFactory? loggers = null)
    {
        _host = host;
        _time = time;
        _interval = options.Value.SweepInterval;
        _logger = (loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Hermes.ServicePolicy");
    }

    /// <summary>Starts the clock before the loop runs, so the first tick counts from the host's start, whichever thread runs the loop.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(_interval, _time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer!;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var swept = await _host.Policy.SweepAsync(stoppingToken).ConfigureAwait(false);
                    if (swept.DraftsExpired + swept.SendsClosed > 0)
                    {
                        PolicyLog.Swept(_logger, swept.DraftsExpired, swept.SendsClosed);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed sweep changed nothing; it is logged and the next tick tries again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    PolicyLog.SweepFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
