using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;

namespace Hermes.ServicePolicy.Tests;

/// <summary>A policy over in-memory state with a fake clock, and short ways to drive it.</summary>
internal sealed class PolicyHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public const string Movistar = "34610000111@s.whatsapp.net";
    public const string Vodafone = "34607000111@s.whatsapp.net";
    public const string Orange = "34656000111@s.whatsapp.net";
    public const string MovistarLid = "111222333444555@lid";
    public const string Group = "120363012345678901@g.us";

    private PolicyHarness(FakeTimeProvider time, InMemoryServiceStateStore store, InMemoryAuditSink audit, InMemoryRecentChatSource recent, ServiceConversationPolicy policy)
    {
        Time = time;
        Store = store;
        Audit = audit;
        Recent = recent;
        Policy = policy;
    }

    private long _drained;

    public FakeTimeProvider Time { get; }

    public InMemoryServiceStateStore Store { get; }

    public InMemoryAuditSink Audit { get; }

    public InMemoryRecentChatSource Recent { get; }

    public ServiceConversationPolicy Policy { get; private set; }

    /// <summary>Gets the host checks the policy was built with (kept across <see cref="RestartAsync"/>).</summary>
    public IReadOnlyList<Checks.IOutboundCheck> Checks { get; private init; } = [];

    public static async Task<PolicyHarness> CreateAsync(Action<ServiceConversationOptions>? configure = null, bool enabled = true, DateTimeOffset? start = null, Random? random = null, params Checks.IOutboundCheck[] checks)
    {
        var time = new FakeTimeProvider(start ?? Start);
        var store = new InMemoryServiceStateStore();
        var audit = new InMemoryAuditSink();
        var recent = new InMemoryRecentChatSource();
        var options = new ServiceConversationOptions { Enabled = enabled };
        configure?.Invoke(options);
        var builder = new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithStateStore(store)
            .WithTimeProvider(time)
            .WithRandom(random ?? Random.Shared)
            .WithRecentChatSource(recent)
            .AddAuditSink(audit);
        foreach (var check in checks)
        {
            builder.AddOutboundCheck(check);
        }

        var policy = await builder.BuildAsync();
        var harness = new PolicyHarness(time, store, audit, recent, policy) { Checks = checks };
        harness.DrainAudit(); // policy_loaded of the start
        return harness;
    }

    /// <summary>A new policy over the same store, as after a process restart.</summary>
    public async Task RestartAsync()
    {
        var options = Policy.Options;
        await Policy.DisposeAsync();
        var builder = new ServiceConversationPolicyBuilder()
            .WithOptions(options)
            .WithStateStore(Store)
            .WithTimeProvider(Time)
            .WithRecentChatSource(Recent)
            .AddAuditSink(Audit);
        foreach (var check in Checks)
        {
            builder.AddOutboundCheck(check);
        }

        Policy = await builder.BuildAsync();
    }

    private int _agentTexts;

    public static ChatId Id(string jid) => ChatId.Parse(jid);

    /// <summary>
    /// Decides a send; a permit is then reported as <paramref name="transport"/> says (delivered by default; null: not
    /// reported). Without a text, the agent says something new each time (the duplicate guard is on by default) and the
    /// operator says <c>hola</c>.
    /// </summary>
    public async ValueTask<OutboundDecision> SendAsync(string chat, string? text = null, Initiator initiator = Initiator.Operator, string? session = null, bool media = false, SendOutcome? transport = SendOutcome.Delivered)
    {
        text ??= initiator == Initiator.Agent ? $"hola {Interlocked.Increment(ref _agentTexts)}" : "hola";
        return await ReportAsync(await Policy.DecideOutboundAsync(new OutboundRequest(Id(chat), text, initiator, session, media)), transport);
    }

    /// <summary>Approves a draft; a permit is then reported as <paramref name="transport"/> says (delivered by default; null: not reported).</summary>
    public async ValueTask<OutboundDecision> ApproveAsync(DraftId draft, string by = "owner", SendOutcome? transport = SendOutcome.Delivered)
        => await ReportAsync(await Policy.ApproveDraftAsync(draft, by), transport);

    /// <summary>What the scenario's fake transport does: reports a permit's outcome at once.</summary>
    public async ValueTask<OutboundDecision> ReportAsync(OutboundDecision decision, SendOutcome? transport = SendOutcome.Delivered)
    {
        if (decision.IsPermitted && transport is { } outcome)
        {
            var report = outcome switch
            {
                SendOutcome.Delivered => SendReport.Delivered(),
                SendOutcome.Failed => SendReport.Failed("transport refused"),
                _ => SendReport.Unknown("timeout"),
            };
            var confirmed = await Policy.ConfirmSendAsync(decision.Send, report);
            if (!confirmed.Ok)
            {
                throw new InvalidOperationException($"the report of {decision.Send} was refused: {confirmed.Explain()}");
            }
        }

        return decision;
    }

    public ValueTask<InboundDecision> InboundAsync(string chat, string text = "hola", bool media = false, string? alt = null)
        => Policy.DecideInboundAsync(new InboundMessage(Id(chat), text, media, alt is null ? default : Id(alt)));

    /// <summary>Drafts a first contact and approves it: the chat becomes a service chat in the default mode.</summary>
    public async Task<OutboundDecision> StartConversationAsync(string chat, string? session = null)
    {
        var draft = await SendAsync(chat, "first contact", session: session);
        if (draft.Outcome != OutboundOutcome.Draft)
        {
            throw new InvalidOperationException($"expected a draft, got {draft.Explain()}");
        }

        return await ApproveAsync(draft.Draft);
    }

    public async Task MakeAutonomousAsync(string chat, string? session = null)
    {
        var result = await Policy.ApproveChatAsync(Id(chat), "owner", ServiceChatMode.Autonomous);
        if (!result.Ok)
        {
            throw new InvalidOperationException(result.Explain());
        }

        if (session is not null)
        {
            await SendAsync(chat, "bind", session: session);
        }
    }

    public ServiceChatStatus Status(string chat) => Policy.GetStatus(Id(chat)).Status;

    /// <summary>The audit events committed since the last drain, read from the log (the audit record; sinks follow it).</summary>
    public IReadOnlyList<PolicyEvent> DrainAudit()
    {
        var events = Store.Events.Where(e => e.Sequence > _drained && e.IsAudited).ToList();
        _drained = Store.Events.Count == 0 ? 0 : Store.Events[^1].Sequence;
        return events;
    }

    public string[] AuditTypes() => DrainAudit().Select(e => e.Type.ToCode()).ToArray();

    public ValueTask DisposeAsync() => Policy.DisposeAsync();
}
