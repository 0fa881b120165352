#if NET10_0_OR_GREATER
using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// Behind a proxy that takes a request and closes without answering, .NET's HTTP handler repeats a request it may
/// retry (up to three times). A poll is destructive and a send is a message: each must reach the wire exactly once.
/// </summary>
public class BridgeClientRetryTests
{
    [Test]
    public async Task A_poll_and_a_send_are_one_request_each_when_the_connection_closes_without_an_answer()
    {
        using var proxy = new SilentProxy();
        await using var services = new ServiceCollection().AddHermesBridge(o => o.BaseAddress = proxy.Address).BuildServiceProvider();
        var client = services.GetRequiredService<HermesBridgeClient>();

        var polled = await client.PollAsync();
        Assert.That(polled.IsOk, Is.False);
        Assert.That(proxy.Requests, Is.EqualTo(1), "one poll, one GET /messages: a repeat would drain the queue again");

        var sent = await client.SendTextAsync(ChatId.Parse("34610000111@s.whatsapp.net"), "Hola");
        Assert.That((sent.Status, proxy.Requests), Is.EqualTo((BridgeStatus.Unknown, 2)), "one send, one POST: its outcome is unknown, never repeated");
    }

    // Accepts connections, reads one request's head, and closes without a byte of answer.
    private sealed class SilentProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _requests;

        public SilentProxy()
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = AcceptAsync();
        }

        public Uri Address { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    var buffer = new byte[8192];
                    var head = new StringBuilder();
                    while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    if (head.Length > 0)
                    {
                        Interlocked.Increment(ref _requests);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
#endif
