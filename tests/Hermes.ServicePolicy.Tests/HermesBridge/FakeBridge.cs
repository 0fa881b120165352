#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// A faithful fake of Hermes's WhatsApp bridge (tests/.../BRIDGE.md of the product owner), in process on IPv4 loopback
/// with Kestrel: the Host-header check, 503 while disconnected, 400 for missing fields, 500 for a bare number (the
/// bridge does not normalise ids), Express's HTML pages for unknown routes, the destructive <c>/messages</c> queue of
/// 100 items that drops the oldest, and no de-duplication.
/// </summary>
public sealed class FakeBridge : IAsyncDisposable
{
    private const int QueueCapacity = 100;
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly List<string> _queue = [];
    private readonly List<(string ChatId, string Message)> _sent = []; // raw JSON objects, as a hostile or broken bridge might write them
    private int _nextId;
    private int _sendRequests;
    private int _polls;
    private int _healthReads;

    private FakeBridge(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public bool Connected { get; set; } = true;

    /// <summary>Every accepted send: chat and text, in order.</summary>
    public IReadOnlyList<(string ChatId, string Message)> Sent
    {
        get
        {
            lock (_lock)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Every request to /send, accepted or not (the gated sender must never repeat one).</summary>
    public int SendRequests => Volatile.Read(ref _sendRequests);

    /// <summary>When set, the next /send answers this status with this error instead of sending.</summary>
    public (int Status, string Error)? NextSendFailure { get; set; }

    /// <summary>When set, only a send to this chat takes <see cref="NextSendFailure"/>.</summary>
    public string? NextSendFailureChat { get; set; }

    /// <summary>When set, <c>GET /chats</c> answers this JSON (a bridge with the endpoint); otherwise Express's 404 page.</summary>
    public string? ChatsJson { get; set; }

    /// <summary>When set, the next /send sends and then never answers (a timeout on the client's side).</summary>
    public bool NextSendHangs { get; set; }

    /// <summary>When set, the next /send sends and then drops the connection without an answer (a reset: the outcome is unknown).</summary>
    public bool NextSendResets { get; set; }

    /// <summary>The headers of the last accepted /send (names in lower case).</summary>
    public IReadOnlyDictionary<string, string> LastSendHeaders { get; private set; } = new Dictionary<string, string>();

    /// <summary>How many times <c>GET /messages</c> was asked.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>How many times <c>GET /health</c> was asked.</summary>
    public int HealthReads => Volatile.Read(ref _healthReads);

    public static async Task<FakeBridge> StartAsync()
    {
        FakeBridge? bridge = null;
        var (_, address) = await LoopbackApp.StartAsync(app =>
        {
            bridge = new FakeBridge(app);
            bridge.Map(app);
        });
        bridge!.Address = address;
        return bridge;
    }

    /// <summary>Queues an inbound event as the bridge would (the oldest dropped past 100).</summary>
    public void Receive(string chatId, string body, string? messageId = null, string? senderName = null, bool fromOwner = false)
        => ReceiveRaw(new JsonObject
        {
            ["messageId"] = messageId ?? $"3EB0{Interlocked.Increment(ref _nextId):X16}",
            ["chatId"] = chatId,
            ["senderId"] = chatId,
            ["senderName"] = senderName ?? chatId.Split('@')[0],
            ["chatName"] = senderName ?? chatId.Split('@')[0],
            ["isGroup"] = chatId.EndsWith("@g.us", StringComparison.Ordinal),
            ["body"] = body,
            ["hasMedia"] = false,
            ["mediaType"] = string.Empty,
            ["mediaUrls"] = new JsonArray(),
            ["timestamp"] = 1_795_000_000,
            ["fromOwner"] = fromOwner,
        }.ToJsonString());

    /// <summary>Queues one event written as given (any JSON object text, such as one with a lone surrogate escape).</summary>
    public void ReceiveRaw(string eventJson)
    {
        lock (_lock)
        {
            _queue.Add(eventJson);
            if (_queue.Count > QueueCapacity)
            {
                _queue.RemoveAt(0);
            }
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var host = context.Request.Host.Host.ToLowerInvariant();
            if (!context.Request.Headers.ContainsKey("Host"))
            {
                await Json(context, 400, new JsonObject { ["error"] = "Missing Host header" });
                return;
            }

            if (host is not ("localhost" or "127.0.0.1" or "::1" or "[::1]"))
            {
                await Json(context, 400, new JsonObject { ["error"] = "Invalid Host header. Bridge accepts loopback hosts only." });
                return;
            }

            await next(context);
        });
        app.MapGet("/health", (HttpContext c) =>
        {
            Interlocked.Increment(ref _healthReads);
            return Json(c, 200, new JsonObject
            {
                ["status"] = Connected ? "connected" : "disconnected",
                ["queueLength"] = QueueLength(),
                ["uptime"] = 12.5,
                ["scriptHash"] = "0123456789abcdef",
                ["sendReadReceipts"] = false,
            });
        });
        app.MapGet("/messages", async (HttpContext c) =>
        {
            Interlocked.Increment(ref _polls);
            string taken;
            lock (_lock)
            {
                taken = "[" + string.Join(",", _queue) + "]";
                _queue.Clear();
            }

            c.Response.ContentType = "application/json; charset=utf-8";
            await c.Response.WriteAsync(taken);
        });
        app.MapGet("/chats", async (HttpContext c) =>
        {
            if (ChatsJson is not { } chats)
            {
                await ExpressNotFound(c);
                return;
            }

            c.Response.ContentType = "application/json; charset=utf-8";
            await c.Response.WriteAsync(chats);
        });
        app.MapPost("/send", SendAsync);
        app.MapPost("/typing", async (HttpContext c) =>
        {
            var body = await Body(c);
            await (!Connected ? Json(c, 503, new JsonObject { ["error"] = "Not connected" })
                : string.IsNullOrEmpty(Text(body, "chatId")) ? Json(c, 400, new JsonObject { ["error"] = "chatId required" })
                : Json(c, 200, new JsonObject { ["success"] = true }));
        });
        app.MapGet("/chat/{id}", (HttpContext c, string id) => Json(c, 200, new JsonObject
        {
            ["name"] = id.Split('@')[0],
            ["isGroup"] = id.EndsWith("@g.us", StringComparison.Ordinal),
            ["participants"] = new JsonArray(),
        }));
        app.MapFallback(ExpressNotFound);
    }

    // Express's default page for an unknown route.
    private static async Task ExpressNotFound(HttpContext c)
    {
        c.Response.StatusCode = 404;
        c.Response.ContentType = "text/html; charset=utf-8";
        await c.Response.WriteAsync($"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {c.Request.Method} {c.Request.Path}</pre>\n</body>\n</html>\n");
    }

    private async Task SendAsync(HttpContext c)
    {
        Interlocked.Increment(ref _sendRequests);
        var body = await Body(c);
        if (!Connected)
        {
            await Json(c, 503, new JsonObject { ["error"] = "Not connected to WhatsApp" });
            return;
        }

        var chat = Text(body, "chatId");
        var message = Text(body, "message");
        if (string.IsNullOrEmpty(chat) || string.IsNullOrEmpty(message))
        {
            await Json(c, 400, new JsonObject { ["error"] = "chatId and message are required" });
            return;
        }

        if (!chat.Contains('@', StringComparison.Ordinal))
        {
            await Json(c, 500, new JsonObject { ["error"] = "Cannot destructure property 'user' of 'jidDecode(...)' as it is undefined." });
            return;
        }

        if (NextSendFailure is { } failure && (NextSendFailureChat is null || NextSendFailureChat == chat))
        {
            NextSendFailure = null;
            await Json(c, failure.Status, new JsonObject { ["error"] = failure.Error });
            return;
        }

        lock (_lock)
        {
            _sent.Add((chat, message));
            LastSendHeaders = c.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        }

        if (NextSendResets)
        {
            NextSendResets = false;
            c.Abort(); // sent, but the client hears nothing back
            return;
        }

        if (NextSendHangs)
        {
            NextSendHangs = false;
            await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
            return;
        }

        var id = $"3EB0{Interlocked.Increment(ref _nextId):X16}";
        await Json(c, 200, new JsonObject { ["success"] = true, ["messageId"] = id, ["messageIds"] = new JsonArray(id) });
    }

    private int QueueLength()
    {
        lock (_lock)
        {
            return _queue.Count;
        }
    }

    private static async Task<JsonObject?> Body(HttpContext c)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonObject>(c.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? body, string name) => body?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static Task Json(HttpContext c, int status, JsonNode body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json; charset=utf-8";
        return c.Response.WriteAsync(body.ToJsonString());
    }

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(_app);
}
#endif
