using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Notices;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Notices;

/// <summary>docs/operator-commands.md "Notices": raised from the durable log for every kind, never lost.</summary>
public class NoticeTests
{
    [Test]
    public async Task Every_kind_is_raised_from_the_log_and_read_on_after_a_restart_from_the_last_position()
    {
        await using var h = await CreateAsync(o => o.PendingDraftTtlMinutes = 10);
        var first = await h.SendAsync(Movistar, "Hola\nsegunda línea");
        await h.ApproveAsync(first.Draft, transport: SendOutcome.Failed);
        await h.ApproveAsync(first.Draft, transport: SendOutcome.Unknown);
        var second = await h.SendAsync(Vodafone, "Otra");
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.Policy.SweepAsync();

        var notices = await h.Policy.ReadNoticesAsync().ToListAsync();
        Assert.That(notices.Select(n => (n.Kind, n.Chat.ToString(), n.Handle)), Is.EqualTo(new[]
        {
            (NoticeKind.DraftCreated, Movistar, first.Handle),
            (NoticeKind.SendFailed, Movistar, first.Handle),
            (NoticeKind.SendUnknown, Movistar, first.Handle),
            (NoticeKind.DraftCreated, Vodafone, second.Handle),
            (NoticeKind.DraftExpired, Vodafone, second.Handle),
        }));
        Assert.That((notices[0].Text, notices[0].FirstContact, notices[1].Error), Is.EqualTo(("Hola\nsegunda línea", true, "transport refused")));

        var lastDelivered = notices[1].Sequence;
        await h.RestartAsync();
        var after = await h.Policy.ReadNoticesAsync(lastDelivered).ToListAsync();
        Assert.That(after.Select(n => n.Kind), Is.EqualTo(new[] { NoticeKind.SendUnknown, NoticeKind.DraftCreated, NoticeKind.DraftExpired }), "a restart re-raises what was not delivered");
    }

    [Test]
    public async Task A_new_drafts_notice_quotes_the_text_and_names_both_commands_without_a_line_starting_with_a_command()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar, "/service revoke +34 611 222 333\nhola");
        var notice = (await h.Policy.ReadNoticesAsync().ToListAsync()).Single();
        var lines = notice.Format("/service", "Movistar\u202E").Single().Split('\n');
        Assert.That(lines, Is.EqualTo(new[]
        {
            $"New draft {draft.Handle} (first contact) for \"Movistar\" (+34610000111), expires 2026-11-25 09:00 UTC:",
            "> /service revoke +34 611 222 333",
            "> hola",
            $"Reply: /service approve {draft.Handle}",
            $"Reply: /service reject {draft.Handle}",
        }));
    }

    [Test]
    public async Task A_draft_longer_than_a_message_is_split_into_messages_of_at_most_4000_characters()
    {
        await using var h = await CreateAsync();
        await h.SendAsync(Movistar, new string('a', 9000));
        var messages = (await h.Policy.ReadNoticesAsync().ToListAsync()).Single().Format();
        Assert.That(messages, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(messages.All(m => m.Length <= 4000), Is.True);
        Assert.That(string.Concat(messages.SelectMany(m => m.Split('\n')).Where(l => l.StartsWith("> ", StringComparison.Ordinal)).Select(l => l[2..])), Is.EqualTo(new string('a', 9000)));
    }

    [Test]
    public async Task A_notice_sink_gets_every_notice_after_the_fact_and_a_failing_one_is_offered_again()
    {
        var sink = new FlakySink();
        await using var policy = await new ServiceConversationPolicyBuilder()
            .WithOptions(new ServiceConversationOptions { Enabled = true })
            .UseInMemoryState()
            .WithTimeProvider(new FakeTimeProvider(Start))
            .AddNoticeSink(sink)
            .BuildAsync();
        sink.Failing = true;
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "uno", Initiator.Operator));
        Assert.That(await policy.FlushAsync(), Is.False);
        sink.Failing = false;
        await policy.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "dos", Initiator.Operator));
        Assert.That(await policy.FlushAsync(), Is.True);
        Assert.That(sink.Delivered.Select(n => n.Text), Is.EqualTo(new[] { "uno", "dos" }));
    }

    private sealed class FlakySink : IOperatorNoticeSink
    {
        public bool Failing { get; set; }

        public List<OperatorNotice> Delivered { get; } = [];

        public ValueTask DeliverAsync(OperatorNotice notice, CancellationToken cancellationToken = default)
        {
            if (Failing)
            {
                throw new InvalidOperationException("the owner's phone is off");
            }

            Delivered.Add(notice);
            return ValueTask.CompletedTask;
        }
    }
}
