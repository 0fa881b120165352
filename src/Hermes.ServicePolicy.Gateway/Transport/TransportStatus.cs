using System;
using System.Threading;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>Whether a transport can reach WhatsApp, as far as it knows.</summary>
public enum TransportState
{
    /// <summary>Not checked yet.</summary>
    Unknown = 0,

    /// <summary>The transport says it is connected.</summary>
    Connected = 1,

    /// <summary>The transport says it is not connected, or did not answer when asked.</summary>
    Disconnected = 2,
}

/// <summary>
/// A transport's connection as it last saw it: the transport sets it (Hermes's bridge gateway from <c>/health</c>, once
/// per change), health checks and consoles read it. Thread-safe; reading never blocks.
/// </summary>
public sealed class TransportStatus
{
    private Snapshot _current = new(TransportState.Unknown, null, null);

    /// <summary>Gets the state.</summary>
    public TransportState State => Volatile.Read(ref _current).State;

    /// <summary>Gets why it is disconnected (the transport's words), or null.</summary>
    public string? Detail => Volatile.Read(ref _current).Detail;

    /// <summary>Gets when the state last changed, or null while unknown.</summary>
    public DateTimeOffset? Since => Volatile.Read(ref _current).Since;

    /// <summary>Records the state seen at <paramref name="at"/>; the same state again keeps its <see cref="Since"/>.</summary>
    public void Set(TransportState state, string? detail, DateTimeOffset at)
    {
        if (state is not (TransportState.Connected or TransportState.Disconnected))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A transport is connected or disconnected once it has looked.");
        }

        var current = Volatile.Read(ref _current);
        Volatile.Write(ref _current, new Snapshot(state, state == TransportState.Connected ? null : detail, current.State == state ? current.Since : at));
    }

    private sealed record Snapshot(TransportState State, string? Detail, DateTimeOffset? Since);
}
