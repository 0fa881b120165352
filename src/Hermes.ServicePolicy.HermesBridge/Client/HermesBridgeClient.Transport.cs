using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>One request and the reading of its answer into <see cref="BridgeStatus"/>.</summary>
public sealed partial class HermesBridgeClient
{
    [GeneratedRegex("<pre>(?<text>.*?)</pre>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ExpressErrorPage();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    private async Task<Answer> SendAsync(string clientName, HttpMethod method, string path, Dictionary<string, string>? body, TimeSpan timeout, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var client = _clients.CreateClient(clientName);
        using var request = new HttpRequestMessage(method, new Uri(_options.BaseAddress, path));
        if (body is not null)
        {
            request.Content = JsonBody(body);
        }
        else if (clientName == HttpClientName)
        {
            // .NET's handler repeats a request that has no content when the connection closes before any answer (up to
            // three times: behind a proxy, one poll was four GETs). Content, even empty, makes it send the request once:
            // a poll is destructive, and only the safe client's requests may be repeated.
            request.Content = new ByteArrayContent([]);
        }

        if (_options.AuthHeaderName is { Length: > 0 } header && _options.AuthHeaderValue is { } value)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    return new Answer(BridgeStatus.Ok, status, document.RootElement.Clone(), null);
                }
                catch (JsonException)
                {
                    return new Answer(BridgeStatus.Unknown, status, null, "the bridge answered 200 with something that is not JSON");
                }
            }

            var refused = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                or HttpStatusCode.NotFound or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.ServiceUnavailable;
            return new Answer(refused ? BridgeStatus.Refused : BridgeStatus.Unknown, status, null, $"{status}: {ErrorText(text)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(BridgeStatus.Unknown, null, null, $"no answer within {timeout.TotalSeconds:0} s: the bridge may still act on it");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new Answer(BridgeStatus.Refused, null, null, "the bridge is not listening (connection refused): nothing was sent");
        }
        catch (HttpRequestException ex)
        {
            return new Answer(BridgeStatus.Unknown, null, null, $"the connection failed: {ex.Message}");
        }
    }

    // A flat JSON object of strings, written without reflection (trimming and AOT safe).
    private static ByteArrayContent JsonBody(Dictionary<string, string> fields)
    {
        using var buffer = new System.IO.MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    // The handlers' {"error": "..."}, or Express's default HTML page (malformed JSON, unknown route, body too large).
    private static string ErrorText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (BridgeJsonFields.Text(json.RootElement, "error") is { } error)
            {
                return error;
            }
        }
        catch (JsonException)
        {
        }

        var page = ExpressErrorPage().Match(body) is { Success: true } pre ? pre.Groups["text"].Value : body;
        var text = WebUtility.HtmlDecode(Tag().Replace(page, " ")).Trim();
        return text.Length > 300 ? text[..300] : text;
    }

    private readonly record struct Answer(BridgeStatus Status, int? HttpStatus, JsonElement? Json, string? Error)
    {
        // The readers are tolerant; should one still meet a shape it cannot read, the answer is unreadable, never thrown.
        public BridgeResult<T> Map<T>(Func<JsonElement, T> read)
        {
            if (Status != BridgeStatus.Ok || Json is not { } json)
            {
                return new BridgeResult<T>(Status, HttpStatus, default, Error);
            }

            try
            {
                return new BridgeResult<T>(BridgeStatus.Ok, HttpStatus, read(json), null);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                return new BridgeResult<T>(BridgeStatus.Unknown, HttpStatus, default, $"the bridge answered {HttpStatus} with JSON of an unexpected shape: {ex.Message}");
            }
        }
    }
}
