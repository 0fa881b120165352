using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Checks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Extensions.Hosting;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Extensions;

/// <summary><c>AddOutboundCheck</c>: host checks from the container reach the policy, in registration order, with the host's timeout.</summary>
public class HostCheckRegistrationTests
{
    private static readonly ChatId Movistar = ChatId.Parse("34610000111@s.whatsapp.net");

    [Test]
    public async Task Checks_from_the_container_run_in_registration_order_and_a_type_is_added_once()
    {
        var log = new CallLog();
        var services = Services();
        services.AddSingleton(log);
        services.AddOutboundCheck<HoldingCheck>();
        services.AddOutboundCheck<HoldingCheck>();
        services.AddOutboundCheck(new NamedDenial(log));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var policy = await provider.StartServiceConversationPolicyAsync();
        await policy.ApproveChatAsync(Movistar, "owner", ServiceChatMode.Autonomous);

        var decision = await policy.DecideOutboundAsync(new OutboundRequest(Movistar, "hola", Initiator.Agent));
        Assert.That((decision.Reason, decision.HostReason), Is.EqualTo((ReasonCode.HostDenied, "the instance says no")));
        Assert.That(log.Calls, Is.EqualTo(new[] { "hold", "deny" }), "the type registered twice ran once, before the instance registered after it");
    }

    [Test]
    public void A_timeout_out_of_range_fails_the_hosts_start()
    {
        var services = Services();
        services.Configure<ServiceConversationHostOptions>(o => o.OutboundCheckTimeout = TimeSpan.Zero);
        var provider = services.BuildServiceProvider();
        Assert.That(async () => await provider.StartServiceConversationPolicyAsync(), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static ServiceCollection Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("whatsapp:service_conversations:enabled", "true")]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddInMemoryServiceConversationState();
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        return services;
    }

    private sealed class CallLog
    {
        public List<string> Calls { get; } = [];
    }

    private sealed class HoldingCheck(CallLog log) : IOutboundCheck
    {
        public ValueTask<OutboundCheckResult> CheckAsync(OutboundCheckContext context, CancellationToken cancellationToken)
        {
            log.Calls.Add("hold");
            return new(OutboundCheckResult.Hold("hold first"));
        }
    }

    private sealed class NamedDenial(CallLog log) : IOutboundCheck
    {
        public ValueTask<OutboundCheckResult> CheckAsync(OutboundCheckContext context, CancellationToken cancellationToken)
        {
            log.Calls.Add("deny");
            return new(OutboundCheckResult.Deny("the instance says no"));
        }
    }
}
