using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>Reload, restart (replay of the log) and the audit record of each change.</summary>
public class LifecycleTests
{
    [Test]
    public async Task A_valid_reload_swaps_in_and_keeps_state()
    {
        await using var h = await CreateAsync();
        await h.StartConversationAsync(Movistar, "s1");
        var result = await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true, MaxNewServiceChatsPerDay = 5 });
        Assert.That(result.Accepted, Is.True);
        Assert.That(h.Policy.Options.MaxNewServiceChatsPerDay, Is.EqualTo(5));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
        var loaded = h.DrainAudit()[^1];
        Assert.That(loaded.Type, Is.EqualTo(PolicyEventType.PolicyLoaded));
        Assert.That(loaded.Detail, Does.Contain("max_new_service_chats_per_day=5"));
    }

    [Test]
    public async Task An_invalid_reload_is_refused_audited_and_the_previous_configuration_stays()
    {
        await using var h = await CreateAsync(o => o.MaxNewServiceChatsPerDay = 7);
        var result = await h.Policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true, ApprovedPatterns = ["*"], MaxNewServiceChatsPerDay = 5000 });
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Errors.Select(e => e.Key), Is.EquivalentTo(new[] { "approved_patterns:0", "max_new_service_chats_per_day" }));
        Assert.That(h.Policy.Options.MaxNewServiceChatsPerDay, Is.EqualTo(7));
        var rejected = h.DrainAudit().Single();
        Assert.That(rejected.Type, Is.EqualTo(PolicyEventType.PolicyRejected));
        Assert.That(rejected.Detail, Does.Contain("5000"));
    }

    [Test]
    public async Task Unreadable_key_values_are_refused_the_same_way()
    {
        await using var h = await CreateAsync();
        var result = await h.Policy.ApplyConfigurationAsync([new("allow_medias", "true")]);
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Describe(), Does.Contain("allow_medias"));
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "policy_rejected" }));
    }

    [Test]
    public async Task The_built_in_defaults_write_no_policy_loaded()
    {
        var store = new InMemoryServiceStateStore();
        await using var policy = await new ServiceConversationPolicyBuilder().WithStateStore(store).BuildAsync();
        Assert.That(policy.IsEnabled, Is.False);
        Assert.That(store.Events, Is.Empty);
    }

    [Test]
    public async Task Building_without_a_store_uses_the_file_store_in_the_state_directory()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("hermes-default-").FullName;
        try
        {
            await using (var policy = await new ServiceConversationPolicyBuilder()
                .WithOptions(new ServiceConversationOptions { Enabled = true, StateDirectory = directory })
                .BuildAsync())
            {
                await policy.RevokeAsync(Id(Movistar), "owner");
            }

            Assert.That(System.IO.File.Exists(System.IO.Path.Combine(directory, FileServiceStateStore.LogFileName)), Is.True);
            await using var reopened = await new ServiceConversationPolicyBuilder().WithConfiguration([new("state_directory", directory)]).BuildAsync();
            Assert.That(reopened.GetStatus(Id(Movistar)).Status, Is.EqualTo(ServiceChatStatus.Revoked), "the policy closed its store, so it reopens");
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Building_with_an_invalid_configuration_names_the_key_and_value()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await new ServiceConversationPolicyBuilder()
            .UseInMemoryState()
            .WithConfiguration([new("enabled", "maybe")])
            .BuildAsync());
        Assert.That(ex!.Message, Does.Contain("enabled").And.Contain("maybe"));
    }

    [Test]
    public async Task A_restart_restores_everything_from_the_log()
    {
        await using var h = await CreateAsync(o =>
        {
            o.MaxNewServiceChatsPerDay = 2;
            o.PendingDraftTtlMinutes = 600;
        });
        await h.StartConversationAsync(Movistar, "s-42");
        await h.Policy.LinkAliasAsync(Id(Movistar), Id(MovistarLid), "owner");
        await h.StartConversationAsync(Vodafone);
        await h.Policy.RevokeAsync(Id(Vodafone), "owner");
        await h.Policy.ApproveChatAsync(Id(Orange), "owner", ServiceChatMode.Autonomous);
        await h.Policy.PauseAsync(Id(Orange), "owner");
        var pending = await h.SendAsync(Movistar, "pendiente");
        await h.InboundAsync("34600999888@s.whatsapp.net");
        h.DrainAudit();

        await h.RestartAsync();
        Assert.That(h.AuditTypes(), Is.EqualTo(new[] { "policy_loaded" }), "a restart records its configuration");
        Assert.That(h.Policy.GetStatus(Id(MovistarLid)).SessionId, Is.EqualTo("s-42"));
        Assert.That(h.Status(Movistar), Is.EqualTo(ServiceChatStatus.DraftFirst));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.Revoked), "a restart never un-revokes");
        Assert.That(h.Status(Orange), Is.EqualTo(ServiceChatStatus.Paused));
        Assert.That(h.Status("34600999888@s.whatsapp.net"), Is.EqualTo(ServiceChatStatus.Blocked));
        Assert.That(h.Policy.GetPendingDrafts().Single().Text, Is.EqualTo("pendiente"));

        var third = await h.SendAsync("34699000111@s.whatsapp.net");
        Assert.That((await h.Policy.ApproveDraftAsync(third.Draft, "owner")).Reason, Is.EqualTo(ReasonCode.DailyNewChatLimit), "a restart never resets the daily limit");
        Assert.That((await h.Policy.ApproveDraftAsync(pending.Draft, "owner")).Text, Is.EqualTo("pendiente"));

        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That((await h.InboundAsync("34600999888@s.whatsapp.net")).Reason, Is.EqualTo(ReasonCode.UnknownChat));
        Assert.That(h.AuditTypes().Count(t => t == "inbound_blocked"), Is.Zero, "the hourly throttle survives a restart");
    }

    [Test]
    public async Task Audit_events_carry_time_chat_actor_reason_and_ids()
    {
        await using var h = await CreateAsync();
        var draft = await h.SendAsync(Movistar, "hola", session: "s1");
        h.Time.Advance(TimeSpan.FromMinutes(3));
        await h.ApproveAsync(draft.Draft, "alice");
        await h.Policy.PauseAsync(Id(Movistar), "bob");
        var outbound = await h.SendAsync(Movistar, "x", initiator: Initiator.Agent);
        var events = h.DrainAudit();

        var drafted = events[0];
        Assert.That((drafted.Type, drafted.Chat.ToString(), drafted.Actor, drafted.DraftId, drafted.SessionId, drafted.Text),
            Is.EqualTo((PolicyEventType.FirstContactDrafted, Movistar, "operator", draft.Draft.Value, "s1", "hola")));
        Assert.That(drafted.Timestamp, Is.EqualTo(Start));
        Assert.That(events[1].Actor, Is.EqualTo("alice"));
        Assert.That(events[1].Timestamp, Is.EqualTo(Start.AddMinutes(3)));
        Assert.That(events[1].ToMode, Is.EqualTo(ServiceChatMode.DraftFirst));
        Assert.That((events[2].Type, events[2].Actor, events[2].Text, events[2].Send), Is.EqualTo((PolicyEventType.FirstContactSent, "system", "hola", events[1].Send)), "the confirmation, with the exact text");
        Assert.That(events[3].Actor, Is.EqualTo("bob"));
        Assert.That((events[4].Type, events[4].Reason, events[4].Actor), Is.EqualTo((PolicyEventType.OutboundDenied, ReasonCode.Paused, "agent")));
        Assert.That(events.Select(e => e.Sequence), Is.Ordered.Ascending);
        Assert.That(outbound.Reason, Is.EqualTo(ReasonCode.Paused));
    }

    [Test]
    public async Task Sinks_see_exactly_the_audited_events_of_the_log_in_order()
    {
        await using var h = await CreateAsync(o => o.ApprovedChats = [Movistar]);
        await h.StartConversationAsync(Vodafone, "s");
        await h.Policy.ApproveChatAsync(Id(Orange), "owner", ServiceChatMode.Autonomous);
        await h.SendAsync(Orange, "x", session: "bound-later");
        await h.InboundAsync(Movistar, "/cmd");
        await h.Policy.RevokeAsync(Id(Movistar), "owner");
        Assert.That(await h.Policy.FlushAsync(), Is.True);
        var audited = h.Store.Events.Where(e => e.IsAudited).Select(e => e.Sequence);
        Assert.That(h.Audit.Events.Select(e => e.Sequence), Is.EqualTo(audited));
        Assert.That(h.Store.Events.Where(e => !e.IsAudited && e.Type != PolicyEventType.CountersSaved).Select(e => e.Type), Is.EqualTo(new[] { PolicyEventType.SendPermitted }), "a send that binds a session is made durable before its permit is handed out");
    }
}
