using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>
/// A transport that lives in memory, for hosts' tests: <see cref="Deliver"/> queues a message for the gateway's next
/// receive; every message sent is recorded in order, and answered <see cref="SendReport.Delivered"/> with an id
/// <c>mem-1</c>, <c>mem-2</c>… unless <see cref="Respond"/> says otherwise. Set <see cref="IsConnected"/> to false to
/// act as a transport that lost WhatsApp: receives fail, sends fail (nothing went out), and the connection check says so.
/// Thread-safe; completes synchronously.
/// </summary>
public sealed class InMemoryTransport : IMessageTransport
{
    private const string Down = "the in-memory transport is set disconnected";
    private readonly List<OutgoingMessage> _sent = [];
    private readonly List<IncomingMessage> _inbox = [];
    private long _ids;
    private volatile bool _connected = true;

    /// <summary>
    /// Gets or sets how a message is answered (a failure, an unknown outcome, a throw to act as a broken transport);
    /// null answers delivered. A message is recorded in <see cref="Sent"/> before it is answered, whatever the answer.
    /// </summary>
    public Func<OutgoingMessage, SendReport>? Respond { get; set; }

    /// <summary>Gets or sets whether the transport reaches WhatsApp (true at first).</summary>
    public bool IsConnected
    {
        get => _connected;
        set => _connected = value;
    }

    /// <summary>Gets a copy of what was sent, in order.</summary>
    public IReadOnlyList<OutgoingMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Queues <paramref name="message"/> for the next receive (the same one twice acts as a re-delivery).</summary>
    public void Deliver(IncomingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_inbox)
        {
            _inbox.Add(message);
        }
    }

    /// <inheritdoc />
    public ValueTask<SendReport> SendTextAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sent)
        {
            _sent.Add(message);
        }

        var respond = Respond;
        if (respond is not null)
        {
            return new(respond(message));
        }

        return new(_connected
            ? SendReport.Delivered("mem-" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture))
            : SendReport.Failed(Down));
    }

    /// <inheritdoc />
    public ValueTask<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connected)
        {
            return new(ReceiveResult.Failed(Down));
        }

        lock (_inbox)
        {
            IncomingMessage[] taken = [.. _inbox];
            _inbox.Clear();
            return new(ReceiveResult.Received(taken));
        }
    }

    /// <inheritdoc />
    public ValueTask<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(_connected ? ConnectionCheck.Connected : ConnectionCheck.Disconnected(Down));
    }
}
