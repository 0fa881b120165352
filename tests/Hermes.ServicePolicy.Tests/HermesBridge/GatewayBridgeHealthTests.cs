#if NET10_0_OR_GREATER
using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.HealthChecks;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.HermesBridge;

/// <summary>
/// The gateway against a bridge that loses WhatsApp, resets connections or refuses sends: disconnected is said once,
/// polling backs off, owner-facing notices are never counted as seen unless they arrived, and no failed reply is silent.
/// </summary>
public class GatewayBridgeHealthTests : GatewayTestBase
{
    [Test]
    public async Task A_disconnected_bridge_is_reported_once_polls_back_off_and_notices_wait_for_it()
    {
        Bridge.Connected = false;
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.OperatorChats = [Owner];
        });
        await host.StartAsync();
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola, quiero dar de baja la línea.", Initiator.Operator));
        await WaitForAsync(a => a.Kind == "transport" && a.Outcome == "disconnected");

        var pollsBefore = Bridge.Polls;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.That(Bridge.Polls - pollsBefore, Is.LessThan(12), "backed off: at 20 ms a round it would have been about 75 polls");
        Assert.That(Bridge.SendRequests, Is.Zero, "no notice is posted to a bridge that would refuse it");
        Assert.That(Activity.Count(a => a.Kind == "transport"), Is.EqualTo(1), "disconnected is said once, not once per round");
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var transport = (await health.CheckHealthAsync()).Entries[TransportHealthCheck.DefaultName];
        Assert.That((transport.Status, transport.Description), Is.EqualTo((HealthStatus.Degraded, "disconnected: the bridge says WhatsApp is not connected; messages wait until it is back")));

        Bridge.Connected = true;
        await WaitForAsync(a => a.Kind == "transport" && a.Outcome == "connected");
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "draft_created");
        Assert.That(Bridge.Sent.Single().ChatId, Is.EqualTo(Owner));
        Assert.That((await health.CheckHealthAsync()).Entries[TransportHealthCheck.DefaultName].Status, Is.EqualTo(HealthStatus.Healthy));
        await host.StopAsync();
    }

    [Test]
    public async Task A_notice_whose_post_got_no_answer_is_offered_again_marked_as_possibly_repeated()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.OperatorChats = [Owner];
        });
        await host.StartAsync();
        Bridge.NextSendResets = true;
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola", Initiator.Operator));
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "unknown");
        await WaitForAsync(a => a.Kind == "notice" && a.Outcome == "draft_created");

        var toOwner = Bridge.Sent.Where(s => s.ChatId == Owner).Select(s => s.Message).ToList();
        Assert.That(toOwner, Has.Count.EqualTo(2), "the reset one may have arrived; it is offered again, not counted as seen");
        Assert.That(toOwner[0], Does.Not.StartWith("(This may repeat"));
        Assert.That(toOwner[1], Does.StartWith("(This may repeat a notice you already received.)\n").And.Contain($"approve {draft.Handle}"));
        await host.StopAsync();
    }

    [Test]
    public async Task A_commands_reply_that_the_bridge_refused_is_reported_with_its_error()
    {
        using var host = Build(o =>
        {
            o.Enabled = true;
            o.OperatorChats = [Owner];
        });
        await host.StartAsync();
        Bridge.NextSendFailure = (503, "Not connected to WhatsApp");
        Bridge.NextSendFailureChat = Owner;
        Bridge.Receive(Owner, "/service list", "o1");

        await WaitForAsync(a => a.Kind == "reply" && a.Outcome == "failed");
        Assert.That(Activity.Single(a => a.Kind == "reply").Detail, Does.Contain("503").And.Contain("Not connected"));
        await host.StopAsync();
    }
}
#endif
