using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>
/// Several policies on one shared store decide as one would (SPEC.md "Shared state across processes"): the engine's
/// side, with the in-memory store in shared mode standing in for the database (the PostgreSQL package's tests run the
/// same rules against a real server and real processes).
/// </summary>
public class SharedStoreTests
{
    private static async Task<ServiceConversationPolicy[]> OpenAsync(IServiceStateStore store, int count, Action<ServiceConversationOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var policies = new ServiceConversationPolicy[count];
        for (var i = 0; i < count; i++)
        {
            var options = new ServiceConversationOptions { Enabled = true };
            configure?.Invoke(options);
            policies[i] = await new ServiceConversationPolicyBuilder().WithOptions(options).WithStateStore(store).WithTimeProvider(time).BuildAsync();
        }

        return policies;
    }

    private static async Task DisposeAllAsync(IEnumerable<ServiceConversationPolicy> policies)
    {
        foreach (var policy in policies)
        {
            await policy.DisposeAsync();
        }
    }

    [Test]
    public async Task The_hourly_limit_is_exact_across_processes()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 3, o => (o.MaxAutoSendsPerChatPerHour, o.MaxConsecutiveAgentSendsWithoutReply) = (7, 100));
        try
        {
            Assert.That((await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
            var decisions = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
                await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"m{i}", Initiator.Agent)))));
            Assert.That(decisions.Count(d => d.IsPermitted), Is.EqualTo(7));
            Assert.That(decisions.Where(d => !d.IsPermitted).Select(d => d.Reason).Distinct(), Is.EqualTo(new[] { ReasonCode.HourlySendLimit }));
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }

    [Test]
    public async Task The_daily_new_chat_limit_is_exact_across_processes()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 3, o => (o.MaxNewServiceChatsPerDay, o.RequireExplicitApprovalForFirstContact) = (3, false));
        try
        {
            var decisions = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
                await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id($"3461000{i:D4}@s.whatsapp.net"), "hola", Initiator.Operator)))));
            Assert.That(decisions.Count(d => d.IsPermitted), Is.EqualTo(3));
            Assert.That(decisions.Where(d => !d.IsPermitted).Select(d => d.Reason).Distinct(), Is.EqualTo(new[] { ReasonCode.DailyNewChatLimit }));
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }

    [Test]
    public async Task A_draft_is_approved_once_whichever_processes_approve_it()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 3);
        try
        {
            var draft = await policies[0].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator));
            var approvals = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => Task.Run(async () => await policies[i % 3].ApproveDraftAsync(draft.Draft, "owner"))));
            Assert.That(approvals.Count(a => a.IsPermitted), Is.EqualTo(1));
            Assert.That(approvals.Where(a => !a.IsPermitted).Select(a => a.Reason).Distinct(), Is.EqualTo(new[] { ReasonCode.DraftAlreadyDecided }));
            Assert.That(store.Events.Count(e => e.Type == PolicyEventType.FirstContactApproved), Is.EqualTo(1));
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }

    [Test]
    public async Task A_revocation_by_one_process_is_in_force_for_the_next_outbound_decision_of_another()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 2);
        try
        {
            await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            Assert.That((await policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "1", Initiator.Agent))).IsPermitted, Is.True);
            Assert.That((await policies[0].RevokeAsync(Id(Movistar), "owner")).Ok, Is.True);
            var next = await policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "2", Initiator.Agent));
            Assert.That(next.Reason, Is.EqualTo(ReasonCode.Revoked), "no waiting for the push: the decision's write meets the revocation first");
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }

    [Test]
    public async Task A_send_permitted_by_one_process_is_confirmed_by_another_and_replies_reset_everyone()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 2, o => o.MaxConsecutiveAgentSendsWithoutReply = 2);
        try
        {
            await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            var first = await policies[0].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "1", Initiator.Agent));
            Assert.That((await policies[1].ConfirmSendAsync(first.Send, SendReport.Delivered("w1"))).Ok, Is.True);
            Assert.That((await policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "2", Initiator.Agent))).IsPermitted, Is.True);
            Assert.That((await policies[0].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "3", Initiator.Agent))).Reason, Is.EqualTo(ReasonCode.ConsecutiveSendsWithoutReply));

            Assert.That((await policies[1].DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"))).IsDelivered, Is.True);
            Assert.That((await policies[0].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "4", Initiator.Agent))).IsPermitted, Is.True, "the reply another process saw resets the count here");
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }

    [Test]
    public async Task Inbound_decisions_follow_other_processes_changes_as_they_are_pushed()
    {
        var store = new InMemoryServiceStateStore(shared: true);
        var policies = await OpenAsync(store, 2);
        try
        {
            Assert.That((await policies[1].DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"))).IsDelivered, Is.False);
            await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (policies[1].GetStatus(Id(Movistar)).Status != ServiceChatStatus.Autonomous)
            {
                await Task.Delay(5, deadline.Token);
            }

            Assert.That((await policies[1].DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"))).IsDelivered, Is.True);
        }
        finally
        {
            await DisposeAllAsync(policies);
        }
    }
}
