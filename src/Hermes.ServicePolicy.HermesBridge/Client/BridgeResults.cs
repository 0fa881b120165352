using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>How a bridge request ended.</summary>
public enum BridgeStatus
{
    /// <summary>200: done.</summary>
    Ok = 0,

    /// <summary>The bridge says it did not do it: 400 (bad request), 404 (no such file or route), 503 (not connected to WhatsApp), 401/403 (authentication).</summary>
    Refused = 1,

    /// <summary>It may or may not have happened: a 500, a timeout, a reset or refused connection, an unreadable answer.</summary>
    Unknown = 2,
}

/// <summary>A bridge answer: its status, the HTTP status code when there was one, and the error text.</summary>
public readonly record struct BridgeResult<T>(BridgeStatus Status, int? HttpStatus, T? Value, string? Error)
{
    /// <summary>Gets whether the request succeeded.</summary>
    public bool IsOk => Status == BridgeStatus.Ok;
}

/// <summary><c>GET /health</c>.</summary>
/// <param name="Connected">Whether the bridge is connected to WhatsApp.</param>
/// <param name="QueueLength">Events waiting in <c>/messages</c> (at most 100: the oldest are dropped).</param>
/// <param name="Uptime">How long the bridge process has run.</param>
/// <param name="ScriptHash">The hash of the running <c>bridge.js</c>.</param>
public sealed record BridgeHealth(bool Connected, int QueueLength, TimeSpan Uptime, string? ScriptHash);

/// <summary>A successful <c>POST /send</c>: the ids of the messages sent (one per chunk; the last one first in <see cref="MessageId"/>).</summary>
public sealed record BridgeSent(string? MessageId, IReadOnlyList<string> MessageIds);

/// <summary><c>GET /chat/:id</c>.</summary>
public sealed record BridgeChatInfo(string Name, bool IsGroup, IReadOnlyList<string> Participants);
