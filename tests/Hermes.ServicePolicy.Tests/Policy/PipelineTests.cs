using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>The engine's seams (docs/architecture.md): the outbound rule pipeline, a host's own rate limiter, the table of keys.</summary>
public class PipelineTests
{
    [Test]
    public void The_outbound_rules_run_in_the_documented_order()
    {
        var order = OutboundPipeline.Default.Rules.Select(r => r.GetType().Name).ToArray();
        Assert.That(order, Is.EqualTo(new[]
        {
            nameof(FeatureEnabledRule), nameof(ChatKindRule), nameof(OperatorChatRule), nameof(RevokedRule),
            nameof(PausedRule), nameof(MediaRule), nameof(AgentInitiatedRule), nameof(FollowUpChatRule),
        }));
        Assert.That(OutboundPipeline.Default.Rules.Where(r => !r.Audited).Select(r => r.GetType()), Is.EqualTo(new[] { typeof(FeatureEnabledRule) }));
    }

    [Test]
    public async Task An_approval_runs_the_same_pipeline_so_a_draft_to_a_chat_made_the_owners_chat_is_refused()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar, "Hola, soy yo.");
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));

        // Not a service chat yet (only a draft), so a configuration may make it the owner's chat.
        var applied = await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true, OperatorChats = ["+34 610 000 111"] });
        Assert.That(applied.Accepted, Is.True, applied.Describe());

        var approval = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        Assert.That(approval.IsPermitted, Is.False);
        Assert.That(approval.Reason, Is.EqualTo(ReasonCode.InvalidState));
        var audit = h.DrainAudit();
        Assert.That(audit[audit.Count - 1].Type, Is.EqualTo(PolicyEventType.OutboundDenied));
    }

    [Test]
    public async Task A_hosts_own_limiter_is_asked_and_never_made_to_capture_or_restore()
    {
        var limiter = Substitute.For<IRateLimiter>();
        limiter.TryAcquireAutonomousSend(Arg.Any<ChatId>(), Arg.Any<DateTimeOffset>(), Arg.Any<int>(), Arg.Any<int>())
            .Returns(RateLimitDecision.Acquired, RateLimitDecision.Denied(ReasonCode.HourlySendLimit, TimeSpan.FromMinutes(5)));
        var time = new FakeTimeProvider(Start);
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true, DefaultMode = ServiceChatMode.Autonomous, ApprovedChats = [Movistar] })
            .WithStateStore(new InMemoryServiceStateStore())
            .WithTimeProvider(time)
            .WithRateLimiter(limiter)
            .BuildAsync();

        var first = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "uno", Initiator.Agent));
        var second = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "dos", Initiator.Agent));

        Assert.That(first.IsPermitted, Is.True);
        Assert.That(second.Reason, Is.EqualTo(ReasonCode.HourlySendLimit), "the host's limiter decides, on the hot path too");
        Assert.That(second.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(async () => await policy.SweepAsync(), Throws.Nothing);
        Assert.That(async () => await policy.SnapshotAsync(), Throws.Nothing);
        Assert.That(await policy.FlushAsync(), Is.True);
    }

    [Test]
    public void Every_option_has_one_descriptor_and_every_descriptor_reads_back_what_it_copies()
    {
        var properties = typeof(ServiceConversationOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.That(OptionDescriptors.All.Select(d => d.Pascal).OrderBy(n => n, StringComparer.Ordinal), Is.EqualTo(properties));
        Assert.That(OptionDescriptors.All.Select(d => d.Snake), Is.Unique);
        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys, Is.EqualTo(OptionDescriptors.All.Select(d => d.Snake)));

        var changed = new ServiceConversationOptions
        {
            Enabled = true, DefaultMode = ServiceChatMode.Autonomous, ApprovedChats = ["+34 610 000 111"], MaxNewServiceChatsPerDay = 7,
            AuditRetentionDays = 9, OperatorCommand = "/svc", StateDirectory = "/tmp/x", DefaultRegion = "ES", CommandPrefixes = ["!"],
        };
        var copy = changed.Clone();
        changed.ApprovedChats.Add("+34 607 000 111");
        Assert.That(copy.ApprovedChats, Is.EqualTo(new[] { "+34 610 000 111" }), "lists are copied, not shared");
        Assert.That((copy.Enabled, copy.DefaultMode, copy.MaxNewServiceChatsPerDay, copy.AuditRetentionDays, copy.OperatorCommand, copy.StateDirectory, copy.DefaultRegion, copy.CommandPrefixes.Single()),
            Is.EqualTo((true, ServiceChatMode.Autonomous, 7, 9, "/svc", "/tmp/x", "ES", "!")));
    }
}
