using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.Gateway.Transport;

/// <summary>What one <see cref="IMessageTransport.ReceiveAsync"/> took: the messages, or why it could not take any.</summary>
public readonly record struct ReceiveResult
{
    private readonly IReadOnlyList<IncomingMessage>? _messages;

    private ReceiveResult(IReadOnlyList<IncomingMessage> messages, string? error)
    {
        _messages = messages;
        Error = error;
    }

    /// <summary>Gets the messages taken, oldest first (empty when it failed).</summary>
    public IReadOnlyList<IncomingMessage> Messages => _messages ?? [];

    /// <summary>Gets why nothing could be taken, or null when it worked.</summary>
    public string? Error { get; }

    /// <summary>Gets whether the request worked (with or without messages).</summary>
    public bool IsOk => Error is null;

    /// <summary>The request worked and took <paramref name="messages"/> (possibly none).</summary>
    public static ReceiveResult Received(IReadOnlyList<IncomingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new(messages, null);
    }

    /// <summary>The request failed; <paramref name="error"/> says how, in the transport's words (never a message body).</summary>
    public static ReceiveResult Failed(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new([], error);
    }
}

/// <summary>What <see cref="IMessageTransport.CheckConnectionAsync"/> found.</summary>
public readonly record struct ConnectionCheck
{
    private ConnectionCheck(bool isConnected, string? detail)
    {
        IsConnected = isConnected;
        Detail = detail;
    }

    /// <summary>Gets whether the transport can reach WhatsApp.</summary>
    public bool IsConnected { get; }

    /// <summary>Gets why it cannot (the transport's words), or null when connected.</summary>
    public string? Detail { get; }

    /// <summary>Gets a connected answer.</summary>
    public static ConnectionCheck Connected => new(true, null);

    /// <summary>Not connected, or the far end did not answer: <paramref name="detail"/> says which.</summary>
    public static ConnectionCheck Disconnected(string detail)
    {
        ArgumentException.ThrowIfNullOrEmpty(detail);
        return new(false, detail);
    }
}
