using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>The policy's spans (docs/observability.md): one per decision, a child per commit, masked chats, never a text.</summary>
public class TracingTests
{
    [Test]
    public async Task Each_decision_is_a_span_with_its_outcome_and_a_masked_chat_and_each_commit_a_child_span()
    {
        using var spans = new SpanRecorder();
        await using var h = await CreateAsync();
        spans.Clear();

        var draft = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "Hola, soy el asistente de Ana", Initiator.Operator));
        var approved = await h.Policy.ApproveDraftAsync(draft.Draft, "owner");
        await h.Policy.ConfirmSendAsync(approved, SendReport.Delivered());
        await h.Policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "Buenos días")); // the hot path: counted, no span
        await h.Policy.DecideInboundAsync(new InboundMessage(Id(Vodafone), "¿Quién es?"));

        var decisions = spans.Completed.Where(s => s.OperationName != ServiceConversationTracing.CommitSpan).ToList();
        Assert.That(decisions.Select(s => (s.OperationName, s.GetTagItem("hermes.outcome"), s.GetTagItem("hermes.reason"))), Is.EqualTo(new (string, object?, object?)[]
        {
            (ServiceConversationTracing.OutboundSpan, "draft", null),
            (ServiceConversationTracing.ApprovalSpan, "permitted", null),
            (ServiceConversationTracing.ConfirmationSpan, "ok", null),
            (ServiceConversationTracing.InboundSpan, "blocked", "unknown_chat"),
        }));
        Assert.That(decisions[0].GetTagItem("hermes.chat"), Is.EqualTo("346*****111@s.whatsapp.net"));

        var commits = spans.Completed.Where(s => s.OperationName == ServiceConversationTracing.CommitSpan).ToList();
        Assert.That(commits, Is.Not.Empty);
        Assert.That(commits.Select(c => c.ParentSpanId), Is.SubsetOf(decisions.Select(d => d.SpanId)), "a commit is inside the decision that made it");
        Assert.That(commits.Where(c => c.ParentSpanId == decisions[0].SpanId).Single().GetTagItem("hermes.events"), Is.EqualTo(1), "the draft: one event");

        var values = spans.Completed.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty);
        Assert.That(values, Has.None.Contains("Ana").And.None.Contains("Buenos").And.None.Contains("34610000111"), "never a text, never a whole number");
    }

    [Test]
    public async Task A_policy_built_without_tracing_starts_no_span_even_with_a_listener()
    {
        using var spans = new SpanRecorder();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new Hermes.ServicePolicy.Configuration.ServiceConversationOptions { Enabled = true, ApprovedChats = [Movistar] })
            .UseInMemoryState()
            .WithTimeProvider(time)
            .WithTracing(false)
            .BuildAsync();
        await policy.DecideInboundAsync(new InboundMessage(Id(Movistar), "hola"));
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "hola", Initiator.Operator));
        Assert.That(spans.Completed, Is.Empty);
    }

    /// <summary>Listens to the policy's source for the length of a test.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _completed = new();

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == ServiceConversationTracing.ActivitySourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _completed.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public System.Collections.Generic.IReadOnlyList<Activity> Completed => [.. _completed];

        public void Clear() => _completed.Clear();

        public void Dispose() => _listener.Dispose();
    }
}
