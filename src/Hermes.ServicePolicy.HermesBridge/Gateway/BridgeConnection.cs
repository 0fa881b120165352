using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;

namespace Hermes.ServicePolicy.HermesBridge.Gateway;

/// <summary>
/// The bridge's connection to WhatsApp as the gateway sees it: read from <c>/health</c> at start and after a request
/// failed, and again each round while it is down. A change is reported once (<c>bridge</c>: <c>disconnected</c> or
/// <c>connected</c>), never once per poll; while it is down the loop backs off (the poll interval doubled per failed
/// round, at most 30 s) and sends no notices, which would only be refused. Every reading also goes to the
/// <see cref="TransportStatus"/> that health checks read.
/// </summary>
internal sealed class BridgeConnection
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly HermesBridgeClient _bridge;
    private readonly TimeSpan _interval;
    private readonly Action<string, string, string, string?> _report;
    private readonly TransportStatus _status;
    private readonly TimeProvider _time;
    private bool? _connected;
    private int _failedRounds;

    public BridgeConnection(HermesBridgeClient bridge, TimeSpan interval, Action<string, string, string, string?> report, TransportStatus status, TimeProvider time)
    {
        _bridge = bridge;
        _interval = interval;
        _report = report;
        _status = status;
        _time = time;
    }

    /// <summary>Gets whether the bridge is connected as far as the gateway knows (unknown counts as up: requests will tell).</summary>
    public bool IsUp => _connected != false;

    /// <summary>Gets how long the loop waits before its next round: the poll interval, or the backoff of a bridge that is down or failing.</summary>
    public TimeSpan NextDelay
    {
        get
        {
            if (_failedRounds == 0)
            {
                return _interval;
            }

            var backoff = _interval * Math.Pow(2, Math.Min(_failedRounds, 16));
            return backoff < MaxBackoff ? backoff : MaxBackoff;
        }
    }

    /// <summary>Reads <c>/health</c> and reports a change; at start, and each round while the bridge is down.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var health = await _bridge.GetHealthAsync(cancellationToken).ConfigureAwait(false);
        if (health.IsOk)
        {
            Update(health.Value!.Connected, health.Value.Connected ? null : "the bridge says WhatsApp is not connected");
        }
        else
        {
            Update(false, health.Error ?? "the bridge did not answer /health");
        }
    }

    /// <summary>A request of this round failed: the loop backs off, and <c>/health</c> says whether WhatsApp is down.</summary>
    public async Task FailedAsync(CancellationToken cancellationToken)
    {
        _failedRounds++;
        await CheckAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The round's poll went through: the backoff ends when the bridge is up.</summary>
    public void RoundSucceeded()
    {
        if (IsUp)
        {
            _failedRounds = 0;
        }
        else
        {
            _failedRounds++;
        }
    }

    private void Update(bool connected, string? detail)
    {
        _status.Set(connected ? TransportState.Connected : TransportState.Disconnected, detail, _time.GetUtcNow());
        if (_connected == connected)
        {
            return;
        }

        var first = _connected is null;
        _connected = connected;
        if (!first || !connected)
        {
            _report("bridge", string.Empty, connected ? "connected" : "disconnected", detail);
        }
    }
}
