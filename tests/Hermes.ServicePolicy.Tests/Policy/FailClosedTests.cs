using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>When the store, the audit sink or the clock fails, the answer is "no", and the failure is reported.</summary>
public class FailClosedTests
{
    private static async Task<(ServiceConversationPolicy Policy, IServiceStateStore Store, List<PolicyFailure> Failures)> WithStoreAsync(Action<ServiceConversationOptions>? configure = null)
    {
        var inner = new InMemoryServiceStateStore();
        var store = Substitute.For<IServiceStateStore>();
        store.LoadAsync(Arg.Any<CancellationToken>()).Returns(_ => inner.LoadAsync());
        store.ReadAsync(Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(c => inner.ReadAsync(c.Arg<long>()));
        Heal(store, inner);
        var failures = new List<PolicyFailure>();
        var options = new ServiceConversationOptions { Enabled = true };
        configure?.Invoke(options);
        var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithStateStore(store)
            .WithTimeProvider(new FakeTimeProvider(Start))
            .OnFailure(failures.Add)
            .BuildAsync();
        return (policy, store, failures);
    }

    private static void BreakStore(IServiceStateStore store)
        => store.AppendAsync(Arg.Any<long>(), Arg.Any<IReadOnlyList<PolicyEvent>>(), Arg.Any<CancellationToken>()).Returns(_ => ValueTask.FromException<AppendResult>(new IOException("disk full")));

    private static void Heal(IServiceStateStore store, InMemoryServiceStateStore inner)
        => store.AppendAsync(Arg.Any<long>(), Arg.Any<IReadOnlyList<PolicyEvent>>(), Arg.Any<CancellationToken>()).Returns(c => inner.AppendAsync(c.Arg<long>(), c.Arg<IReadOnlyList<PolicyEvent>>()));

    [Test]
    public async Task A_store_that_cannot_append_denies_and_changes_nothing()
    {
        var (policy, store, failures) = await WithStoreAsync();
        await using var _ = policy;
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator));
        BreakStore(store);

        var approval = await policy.ApproveDraftAsync(draft.Draft, "owner");
        Assert.That(approval.IsPermitted, Is.False);
        Assert.That(approval.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(approval.Error, Is.InstanceOf<IOException>());
        Assert.That(policy.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Pending), "the draft is still pending: nothing took effect");
        Assert.That(failures.Select(f => f.Operation), Does.Contain("store_append"));

        var revoke = await policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That(revoke.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "x", Initiator.Operator))).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Id(Vodafone), "x"))).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable), "a block that cannot be recorded answers policy_unavailable, still blocked");
        Assert.That((await policy.ApplyConfigurationAsync(new ServiceConversationOptions())).Accepted, Is.False);
        Assert.That(policy.IsEnabled, Is.True, "a configuration that cannot be recorded never takes effect");
    }

    [Test]
    public async Task A_failed_daily_slot_is_given_back()
    {
        var (policy, store, _) = await WithStoreAsync(o => o.MaxNewServiceChatsPerDay = 1);
        await using var _ = policy;
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator));
        BreakStore(store);
        await policy.ApproveDraftAsync(draft.Draft, "owner");
        store.AppendAsync(Arg.Any<long>(), Arg.Any<IReadOnlyList<PolicyEvent>>(), Arg.Any<CancellationToken>()).Returns(c => ValueTask.FromResult(AppendResult.Appended(c.Arg<long>() + c.Arg<IReadOnlyList<PolicyEvent>>().Count)));
        Assert.That((await policy.ApproveDraftAsync(draft.Draft, "owner")).IsPermitted, Is.True);
    }

    [Test]
    public async Task A_failing_clock_denies_the_autonomous_hot_path()
    {
        var clock = Substitute.For<TimeProvider>();
        var now = Start;
        clock.GetUtcNow().Returns(_ => now);
        var failures = new List<PolicyFailure>();
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, ApprovedChats = [Movistar], DefaultMode = ServiceChatMode.Autonomous })
            .UseInMemoryState()
            .WithTimeProvider(clock)
            .OnFailure(failures.Add)
            .BuildAsync();
        Assert.That((await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "x", Initiator.Agent))).IsPermitted, Is.True);

        clock.GetUtcNow().Throws(new InvalidOperationException("clock gone"));
        var denied = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "x", Initiator.Agent));
        Assert.That(denied.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(denied.Error!.Message, Is.EqualTo("clock gone"));
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Id(Vodafone), "x"))).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That((await policy.PauseAsync(Id(Movistar), "owner")).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
        Assert.That(failures.Select(f => f.Operation).Distinct(), Is.EqualTo(new[] { "clock" }));
    }

    [Test]
    public async Task A_failing_audit_sink_never_holds_a_decision_and_catches_up_in_order_without_gaps()
    {
        var sink = Substitute.For<IAuditSink>();
        var delivered = new List<PolicyEvent>();
        var broken = false;
        sink.WriteAsync(Arg.Any<PolicyEvent>(), Arg.Any<CancellationToken>()).Returns(c =>
        {
            if (broken)
            {
                throw new IOException("audit disk gone");
            }

            delivered.Add(c.Arg<PolicyEvent>());
            return ValueTask.CompletedTask;
        });
        var store = new InMemoryServiceStateStore();
        var failures = new List<PolicyFailure>();
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, ApprovedChats = [Movistar], DefaultMode = ServiceChatMode.Autonomous })
            .WithStateStore(store)
            .WithTimeProvider(new FakeTimeProvider(Start))
            .AddAuditSink(sink)
            .OnFailure(failures.Add)
            .BuildAsync();
        Assert.That(await policy.FlushAsync(), Is.True);

        broken = true;
        Assert.That((await policy.RevokeAsync(Id(Vodafone), "owner")).Ok, Is.True, "the log is the audit record: the change is durable, so it took effect");
        Assert.That(await policy.FlushAsync(), Is.False, "the sink is behind");
        Assert.That(failures.Select(f => f.Operation), Has.Member("audit_sink"));
        Assert.That(policy.AuditBacklog, Is.EqualTo(1));

        // Decisions go on while the sink is down: it is fed after the fact, never inside a decision.
        var permit = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "x", Initiator.Agent));
        Assert.That(permit.IsPermitted, Is.True);
        Assert.That((await policy.ConfirmSendAsync(permit.Send, SendReport.Delivered())).Ok, Is.True);
        Assert.That((await policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "x"))).IsDelivered, Is.True);
        Assert.That((await policy.ApproveChatAsync(Id(Orange), "owner")).Ok, Is.True);

        broken = false;
        Assert.That(await policy.FlushAsync(), Is.True);
        Assert.That(policy.AuditBacklog, Is.Zero);
        Assert.That(delivered.Select(e => e.Sequence), Is.EqualTo(store.Events.Where(e => e.IsAudited).Select(e => e.Sequence)), "every audited event, once, in log order");
    }

    [Test]
    public async Task A_throwing_failure_handler_does_not_turn_a_denial_into_an_exception()
    {
        var clock = Substitute.For<TimeProvider>();
        clock.GetUtcNow().Throws(new InvalidOperationException("clock gone"));
        await using var policy = await new ServiceConversationPolicyBuilder()
            .UseInMemoryState()
            .WithTimeProvider(clock)
            .OnFailure(_ => throw new InvalidOperationException("handler bug"))
            .BuildAsync();
        Assert.That((await policy.ApproveChatAsync(Id(Movistar), "owner")).Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
    }
}
