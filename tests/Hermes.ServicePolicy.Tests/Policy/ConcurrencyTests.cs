using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>Real threads at once: no limit is exceeded by even one, no update is lost.</summary>
public class ConcurrencyTests
{
    private const int Threads = 32;

    private static async Task<T[]> OnThreadsAsync<T>(int count, Func<int, Task<T>> work)
    {
        using var start = new Barrier(count);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return work(i).GetAwaiter().GetResult();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        // Bounded: a lost wake-up in the policy would otherwise hold the whole run, not fail this test.
        return await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Test]
    public async Task Concurrent_approvals_never_exceed_the_daily_limit()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 3);
        var drafts = new DraftId[Threads * 3];
        for (var i = 0; i < drafts.Length; i++)
        {
            drafts[i] = (await h.SendAsync(ChatId.FromPhoneNumber(34600000000UL + (ulong)i).ToString())).Draft;
        }

        var results = await OnThreadsAsync(Threads, async t =>
        {
            var sent = 0;
            for (var k = 0; k < 3; k++)
            {
                if ((await h.Policy.ApproveDraftAsync(drafts[(t * 3) + k], $"op{t}")).IsPermitted)
                {
                    sent++;
                }
            }

            return sent;
        });

        Assert.That(results.Sum(), Is.EqualTo(3));
        Assert.That(h.Store.Events.Count(e => e.Type == PolicyEventType.FirstContactApproved && e.Count == 1), Is.EqualTo(3), "three permits took a daily slot");
    }

    [Test]
    public async Task Concurrent_approvals_of_one_draft_send_it_once()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar);
        var results = await OnThreadsAsync(Threads, async t => await h.Policy.ApproveDraftAsync(draft.Draft, $"op{t}"));
        Assert.That(results.Count(r => r.IsPermitted), Is.EqualTo(1));
        Assert.That(results.Where(r => !r.IsPermitted).Select(r => r.Reason).Distinct(), Is.EqualTo(new[] { ReasonCode.DraftAlreadyDecided }));
    }

    [Test]
    public async Task Concurrent_autonomous_sends_never_exceed_the_hourly_limit()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = 10;
            o.MaxConsecutiveAgentSendsWithoutReply = 1000;
        });
        await h.MakeAutonomousAsync(Movistar, session: "s");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.InboundAsync(Movistar);
        var results = await OnThreadsAsync(Threads, async _ =>
        {
            var sent = 0;
            for (var k = 0; k < 5; k++)
            {
                if ((await h.SendAsync(Movistar, initiator: Initiator.Agent)).IsPermitted)
                {
                    sent++;
                }
            }

            return sent;
        });
        Assert.That(results.Sum(), Is.EqualTo(9), "10 per hour, one already spent binding the session");
    }

    [Test]
    public async Task Concurrent_autonomous_sends_never_exceed_the_consecutive_limit()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxAutoSendsPerChatPerHour = 10000;
            o.MaxConsecutiveAgentSendsWithoutReply = 3;
        });
        await h.MakeAutonomousAsync(Movistar);
        var results = await OnThreadsAsync(Threads, async _ => (await h.SendAsync(Movistar)).IsPermitted ? 1 : 0);
        Assert.That(results.Sum(), Is.EqualTo(3));
    }

    [Test]
    public async Task Concurrent_operator_actions_and_decisions_lose_no_update()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 1000);
        var chats = Enumerable.Range(0, Threads).Select(i => ChatId.FromPhoneNumber(34611000000UL + (ulong)i)).ToArray();
        var blocked = new ConcurrentBag<ReasonCode>();
        await OnThreadsAsync(Threads, async t =>
        {
            var chat = chats[t];
            await h.Policy.ApproveChatAsync(chat, "owner", ServiceChatMode.Autonomous);
            await h.Policy.PauseAsync(chat, "owner");
            await h.Policy.ResumeAsync(chat, "owner");
            if (t % 2 == 0)
            {
                await h.Policy.RevokeAsync(chat, "owner");
            }

            var decision = await h.Policy.DecideInboundAsync(new InboundMessage(chats[(t + 1) % Threads], "hi"));
            if (!decision.IsDelivered)
            {
                blocked.Add(decision.Reason);
            }

            return 0;
        });

        for (var i = 0; i < Threads; i++)
        {
            var expected = i % 2 == 0 ? ServicePolicy.Discovery.ServiceChatStatus.Revoked : ServicePolicy.Discovery.ServiceChatStatus.Autonomous;
            Assert.That(h.Policy.GetStatus(chats[i]).Status, Is.EqualTo(expected), chats[i].ToString());
        }

        Assert.That(blocked.All(r => r is ReasonCode.Revoked or ReasonCode.UnknownChat), Is.True);
        var sequences = h.Store.Events.Select(e => e.Sequence).ToArray();
        Assert.That(sequences, Is.Unique.And.Ordered.Ascending);
    }

    [Test]
    public async Task Reads_during_reloads_see_one_whole_configuration()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Movistar]);
        var on = new ServicePolicy.Configuration.ServiceConversationOptions { Enabled = true, ApprovedChats = [Movistar] };
        var off = new ServicePolicy.Configuration.ServiceConversationOptions { Enabled = true, ApprovedChats = [Vodafone] };
        using var stop = new CancellationTokenSource();
        var reloader = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await h.Policy.ApplyConfigurationAsync(i % 2 == 0 ? off : on);
            }

            stop.Cancel();
        });
        var reasons = await OnThreadsAsync(4, async _ =>
        {
            var unexpected = 0;
            while (!stop.IsCancellationRequested)
            {
                var decision = await h.InboundAsync(Movistar);
                if (!decision.IsDelivered && decision.Reason != ReasonCode.UnknownChat)
                {
                    unexpected++;
                }
            }

            return unexpected;
        });
        await reloader;
        Assert.That(reasons.Sum(), Is.Zero);
    }
}
