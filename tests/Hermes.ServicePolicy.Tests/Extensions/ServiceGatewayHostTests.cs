using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Journal;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Extensions;

/// <summary>
/// A second transport on the generic host: the in-memory transport registered as <see cref="IMessageTransport"/>, and
/// <c>AddServiceGateway</c> runs the same loop the Hermes bridge runs. Nothing of the bridge package is involved.
/// </summary>
public class ServiceGatewayHostTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-gateway-host-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Any_registered_transport_gets_the_loop_and_the_agent_sends_through_its_gated_sender()
    {
        var transport = new InMemoryTransport();
        var agent = new EchoAgent();
        using var host = Build(transport, agent);
        await host.StartAsync();
        agent.Sender = host.Services.GetRequiredService<GatedSender>();

        transport.Deliver(new IncomingMessage { ChatId = Vodafone, MessageId = "v1", Body = "Su factura está lista" });
        var answered = await agent.Answered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await host.StopAsync();

        Assert.That(answered.Delivered, Is.True);
        Assert.That(transport.Sent.Select(m => (m.Chat, m.Text)), Is.EqualTo(new[] { (Id(Vodafone), "Recibido") }));
        Assert.That(host.Services.GetRequiredService<IMessageSender>(), Is.SameAs(transport), "one instance for both roles");
        Assert.That(host.Services.GetRequiredService<TransportStatus>().State, Is.EqualTo(TransportState.Connected));
    }

    [Test]
    public async Task A_damaged_journal_stops_the_hosts_start()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, InboundJournal.FileName), "damaged\nlines\n");
        using var host = Build(new InMemoryTransport(), new EchoAgent());

        Assert.That(async () => await host.StartAsync(), Throws.TypeOf<InboundJournalCorruptedException>());
    }

    private IHost Build(InMemoryTransport transport, EchoAgent agent) => Host.CreateDefaultBuilder().ConfigureServices(services => services
        .AddServiceConversationPolicy(o =>
        {
            o.Enabled = true;
            o.ApprovedChats = [Vodafone];
            o.DefaultMode = ServiceChatMode.Autonomous;
        })
        .AddInMemoryServiceConversationState()
        .AddSingleton<IMessageTransport>(transport)
        .AddSingleton<IServiceAgent>(agent)
        .AddServiceGateway<EchoAgent>(o =>
        {
            o.JournalDirectory = _directory;
            o.PollInterval = TimeSpan.FromMilliseconds(20);
        })).Build();

    private sealed class EchoAgent : IServiceAgent
    {
        public GatedSender? Sender { get; set; }

        public TaskCompletionSource<GatedSendResult> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<ServiceMessage> Seen { get; } = new();

        public async ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken)
        {
            Seen.Enqueue(message);
            var sent = await Sender!.SendAsync(new OutboundRequest(message.Chat, "Recibido", Initiator.Agent, message.SessionId), cancellationToken);
            Answered.TrySetResult(sent);
        }

        public ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnOwnerTypedAsync(OwnerTypedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
