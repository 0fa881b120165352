using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;

namespace Hermes.ServicePolicy.Gateway.Routing;

/// <summary>
/// The transport's connection to WhatsApp as the gateway sees it: asked (<see cref="IMessageTransport.CheckConnectionAsync"/>)
/// at start and after a request failed, and again each round while it is down. A change is reported once
/// (<c>transport</c>: <c>disconnected</c> or <c>connected</c>), never once per poll; while it is down the loop backs off
/// (the poll interval doubled per failed round, at most 30 s) and sends no notices, which would only be refused. Every
/// reading also goes to the <see cref="TransportStatus"/> that health checks read.
/// </summary>
internal sealed class TransportConnection
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly IMessageTransport _transport;
    private readonly TimeSpan _interval;
    private readonly Action<string, string, string, string?> _report;
    private readonly TransportStatus _status;
    private readonly TimeProvider _time;
    private bool? _connected;
    private int _failedRounds;

    public TransportConnection(IMessageTransport transport, TimeSpan interval, Action<string, string, string, string?> report, TransportStatus status, TimeProvider time)
    {
        _transport = transport;
        _interval = interval;
        _report = report;
        _status = status;
        _time = time;
    }

    /// <summary>Gets whether the transport is connected as far as the gateway knows (unknown counts as up: requests will tell).</summary>
    public bool IsUp => _connected != false;

    /// <summary>Gets how long the loop waits before its next round: the poll interval, or the backoff of a transport that is down or failing.</summary>
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

    /// <summary>Asks the transport and reports a change; at start, and each round while it is down. A throw counts as disconnected.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        ConnectionCheck check;
        try
        {
            check = await _transport.CheckConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            check = ConnectionCheck.Disconnected($"{ex.GetType().Name}: {ex.Message}");
        }

        Update(check.IsConnected, check.IsConnected ? null : check.Detail ?? "the transport says it is not connected");
    }

    /// <summary>A request of this round failed: the loop backs off, and the transport says whether WhatsApp is down.</summary>
    public async Task FailedAsync(CancellationToken cancellationToken)
    {
        _failedRounds++;
        await CheckAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The round's receive went through: the backoff ends when the transport is up.</summary>
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
            _report("transport", string.Empty, connected ? "connected" : "disconnected", detail);
        }
    }
}
