#if NET10_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// An OpenAI-compatible chat-completions endpoint with a scripted model (no network, no weights): asked about a
/// message from a chat, it calls <c>send_whatsapp_message</c> to that chat with <see cref="Reply"/>; given the tool's
/// answer, it says <c>done</c>. It keeps every request, so a test can read what the model was told.
/// </summary>
internal sealed partial class FakeModel : IAsyncDisposable
{
    public const string Reply = "Gracias. ¿A qué hora llega el técnico?";

    private readonly WebApplication _app;

    private FakeModel(WebApplication app) => _app = app;

    /// <summary>Gets the endpoint to give the OpenAI client (ends in <c>/v1</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets the last request's Authorization header.</summary>
    public string? Authorization { get; private set; }

    /// <summary>Gets the request bodies, in order.</summary>
    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    public static async Task<FakeModel> StartAsync()
    {
        FakeModel? model = null;
        var (_, address) = await LoopbackApp.StartAsync(app =>
        {
            model = new FakeModel(app);
            app.MapPost("/v1/chat/completions", model.CompleteAsync);
        });
        model!.Endpoint = new Uri(address, "v1");
        return model;
    }

    [GeneratedRegex(@"\d+@s\.whatsapp\.net")]
    private static partial Regex ChatId();

    private async Task CompleteAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue(request);
        var last = request["messages"]!.AsArray()[^1]!;
        JsonObject message;
        string finish;
        if (last["role"]!.GetValue<string>() == "tool")
        {
            (message, finish) = (new JsonObject { ["role"] = "assistant", ["content"] = "done" }, "stop");
        }
        else
        {
            var chat = ChatId().Match(last["content"]!.ToJsonString()).Value;
            var arguments = new JsonObject { ["target"] = chat, ["text"] = Reply }.ToJsonString();
            message = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"call_{Requests.Count}",
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = "send_whatsapp_message", ["arguments"] = arguments },
                }),
            };
            finish = "tool_calls";
        }

        var response = new JsonObject
        {
            ["id"] = $"chatcmpl-{Requests.Count}",
            ["object"] = "chat.completion",
            ["created"] = 1_796_000_000,
            ["model"] = request["model"]?.GetValue<string>() ?? "scripted",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(_app);
}
#endif
