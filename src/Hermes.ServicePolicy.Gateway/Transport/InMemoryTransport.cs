using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>
/// A transport that keeps what it is given, for hosts' tests: every message sent is recorded in order, and answered
/// <see cref="SendReport.Delivered"/> with an id <c>mem-1</c>, <c>mem-2</c>… unless <see cref="Respond"/> says otherwise.
/// Thread-safe; completes synchronously.
/// </summary>
public sealed class InMemoryTransport : IMessageSender
{
    private readonly List<OutgoingMessage> _sent = [];
    private long _ids;

    /// <summary>
    /// Gets or sets how a message is answered (a failure, an unknown outcome, a throw to act as a broken transport);
    /// null answers delivered. A message is recorded in <see cref="Sent"/> before it is answered, whatever the answer.
    /// </summary>
    public Func<OutgoingMessage, SendReport>? Respond { get; set; }

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
        return new(respond is null
            ? SendReport.Delivered("mem-" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture))
            : respond(message));
    }
}
