#if NET10_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.HealthChecks;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The gateway loop end to end on a generic host with the policy, the gateway and the faithful fake bridge: the set-up
/// the gateway test classes share (a bridge and a journal folder per test, a recording agent, the activity hook).
/// </summary>
public abstract class GatewayTestBase
{
    protected const string Owner = "34611222333@s.whatsapp.net";
    private readonly SemaphoreSlim _activitySignal = new(0);

    protected FakeBridge Bridge { get; private set; } = null!;

    protected string JournalDirectory { get; private set; } = null!;

    protected ConcurrentQueue<GatewayActivity> Activity { get; } = new();

    [SetUp]
    public async Task SetUp()
    {
        Activity.Clear();
        Bridge = await FakeBridge.StartAsync();
        JournalDirectory = Directory.CreateTempSubdirectory("hermes-gateway-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        await Bridge.DisposeAsync();
        Directory.Delete(JournalDirectory, recursive: true);
    }

    protected IHost Build(Action<ServiceConversationOptions> configure, string? sessionDirectory = null, int maxAttempts = 5)
    {
        var host = Host.CreateDefaultBuilder().ConfigureServices(services => services
            .AddServiceConversationPolicy(configure)
            .AddInMemoryServiceConversationState()
            .AddHermesBridge(o =>
            {
                o.BaseAddress = Bridge.Address;
                o.SessionDirectory = sessionDirectory;
            })
            .AddHermesBridgeGateway<RecordingAgent>(o =>
            {
                o.JournalDirectory = JournalDirectory;
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.MaxAttempts = maxAttempts;
                o.OnActivity = a =>
                {
                    Activity.Enqueue(a);
                    _activitySignal.Release();
                };
            })
            .AddHealthChecks().Add(TransportHealthCheck.Registration())).Build();
        return host;
    }

    // The awaitable hook: the gateway reports each thing it did; wait for the one the test needs.
    protected async Task WaitForAsync(Func<GatewayActivity, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (!Activity.Any(match))
            {
                await _activitySignal.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the gateway did not do it in 20 s; it did: " + string.Join("; ", Activity.Select(a => $"{a.Kind} {a.Chat} {a.Outcome} {a.Detail}")));
        }
    }

    protected sealed class RecordingAgent : IServiceAgent
    {
        public ConcurrentQueue<ServiceMessage> Service { get; } = new();

        public ConcurrentQueue<OwnerMessage> Owner { get; } = new();

        public ConcurrentQueue<OwnerTypedMessage> OwnerTyped { get; } = new();

        private int _failuresToCome;

        /// <summary>Sets how many deliveries fail (the agent throws) before they succeed.</summary>
        public int FailuresToCome
        {
            set => Volatile.Write(ref _failuresToCome, value);
        }

        /// <summary>A message id the agent always fails on.</summary>
        public string? AlwaysFailsOn { get; set; }

        public ValueTask OnServiceMessageAsync(ServiceMessage message, CancellationToken cancellationToken)
        {
            if (message.MessageId == AlwaysFailsOn || Interlocked.Decrement(ref _failuresToCome) >= 0)
            {
                throw new InvalidOperationException("the agent is busy");
            }

            Service.Enqueue(message);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnOwnerMessageAsync(OwnerMessage message, CancellationToken cancellationToken)
        {
            Owner.Enqueue(message);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnOwnerTypedAsync(OwnerTypedMessage message, CancellationToken cancellationToken)
        {
            OwnerTyped.Enqueue(message);
            return ValueTask.CompletedTask;
        }
    }
}
#endif
