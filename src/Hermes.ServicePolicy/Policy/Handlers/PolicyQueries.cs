using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// What the policy answers without deciding anything (docs/behaviour.md, "Status and history"): a chat's status, the
/// known chats, pending drafts, history and notices streamed from the store. Lock-free reads of the projection.
/// </summary>
internal sealed class PolicyQueries
{
    private static readonly IReadOnlySet<PolicyEventType> NoticeTypes = new HashSet<PolicyEventType>
    {
        PolicyEventType.FirstContactDrafted, PolicyEventType.DraftCreated, PolicyEventType.FirstContactExpired,
        PolicyEventType.DraftExpired, PolicyEventType.SendFailed, PolicyEventType.SendUnknown,
    };

    private readonly PolicyCore _core;
    private readonly StateProjection _state;

    public PolicyQueries(PolicyCore core)
    {
        _core = core;
        _state = core.State;
    }

    public ChatStatus GetStatus(ChatId chat)
    {
        var configuration = _core.Settings.Current;
        var view = _state.View(chat, configuration);
        var now = _core.Time.GetUtcNow();
        _state.Aliases.TryGetAlias(view.Primary, out var alias);
        var held = view.IsService ? OwnerTakeoverRule.HoldEnds(view, configuration.OwnerTakeover) : DateTimeOffset.MinValue;
        return new ChatStatus(view.Primary, _state.StatusOf(view, now), view.IsService ? view.Session : null, alias) { OwnerActiveUntil = held > now ? held : null };
    }

    /// <summary>The chat's use of the agent's send limits now (docs/owner-console.md); reads the counters, decides nothing.</summary>
    public ChatLimitUsage GetLimitUsage(ChatId chat)
    {
        var configuration = _core.Settings.Current;
        var primary = _state.PrimaryOf(chat);
        var now = _core.Time.GetUtcNow();
        var hourly = _core.LimiterState.HourlyUsage(primary, now);
        (int Count, DateTimeOffset? OldestLeavesAt)? daily = configuration.MaxAgentSendsPerDay > 0 ? _state.AgentSends.DailyUsage(now) : null;
        return new ChatLimitUsage
        {
            Chat = primary,
            At = now,
            SentThisHour = hourly?.Count,
            HourlyLimit = configuration.MaxAutoSendsPerHour,
            HourlyFreesAt = hourly?.OldestLeavesAt,
            InARow = _core.Limiter.CountConsecutiveSends(primary),
            InARowLimit = configuration.MaxConsecutiveSends,
            AgentSendsToday = daily?.Count,
            DailyLimit = configuration.MaxAgentSendsPerDay,
            DailyFreesAt = daily?.OldestLeavesAt,
        };
    }

    /// <summary>
    /// Probes what decisions stand on: a read of the store after the policy's position (nothing is written), the
    /// counters' last save, the outbound switch and the audit backlog (docs/observability.md).
    /// </summary>
    public async ValueTask<PolicyHealthReport> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _core.Store.ReadAsync(_core.Journal.Position, cancellationToken).ConfigureAwait(false))
            {
                break; // another process appended: the store answers, which is all the probe asks
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new PolicyHealthReport(PolicyHealthStatus.Unhealthy, $"the state store cannot be read ({ex.GetType().Name}): every decision that writes fails closed", ex);
        }

        if (_core.Checkpoints.Failure is { } unsaved)
        {
            return new PolicyHealthReport(PolicyHealthStatus.Unhealthy, $"the rate-limit counters cannot be saved ({unsaved.GetType().Name}): autonomous sends are denied", unsaved);
        }

        var configuration = _core.Settings.Current;
        if (configuration.Enabled && configuration.OutboundNever)
        {
            return new PolicyHealthReport(PolicyHealthStatus.Degraded, "outbound: never: every outbound decision is denied (inbound works)");
        }

        if (_core.Outbox.Backlog > PolicyHealthReport.AuditBacklogDegraded)
        {
            return new PolicyHealthReport(PolicyHealthStatus.Degraded, $"the audit sinks are {_core.Outbox.Backlog} events behind the log");
        }

        return new PolicyHealthReport(PolicyHealthStatus.Healthy, configuration.Enabled ? "deciding; the state store answers" : "the feature is off: every message is blocked, as configured");
    }

    public IReadOnlyList<KnownChat> GetKnownChats() => _state.KnownChats(_core.Settings.Current, _core.Time.GetUtcNow());

    public IReadOnlyList<DraftInfo> GetPendingDrafts()
    {
        var pending = _state.PendingDrafts(_core.Time.GetUtcNow());
        var infos = new List<DraftInfo>(pending.Count);
        foreach (var d in pending)
        {
            infos.Add(new DraftInfo(d.Id, _state.PrimaryOf(d.Chat), d.Text, d.IsFirstContact, d.Initiator, d.Session, d.HasMedia, d.CreatedAt, d.ExpiresAt) { Handle = d.Handle });
        }

        return infos;
    }

    /// <summary>How many chats are paused and revoked now.</summary>
    public (int Paused, int Revoked) CountPausedAndRevoked()
    {
        int paused = 0, revoked = 0;
        foreach (var (_, record) in _state.Chats.Records())
        {
            paused += record is { IsService: true, Paused: true } ? 1 : 0;
            revoked += record.Revoked ? 1 : 0;
        }

        return (paused, revoked);
    }

    /// <summary>Gets how many characters of draft text the policy keeps in memory (tests of its memory bounds).</summary>
    public long RetainedDraftText()
    {
        long total = 0;
        foreach (var draft in _state.Drafts.Values)
        {
            total += draft.Text.Length;
        }

        return total;
    }

    public async IAsyncEnumerable<PolicyEvent> ReadHistoryAsync(HistoryQuery? query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        query ??= new HistoryQuery();
        ChatId chat = default, alias = default;
        if (query.Chat is { } asked)
        {
            chat = _state.PrimaryOf(asked);
            _state.Aliases.TryGetAlias(chat, out alias);
        }

        await foreach (var e in _core.Store.ReadAsync(query.AfterSequence, cancellationToken).ConfigureAwait(false))
        {
            if (!e.IsAudited
                || (query.Since is { } since && e.Timestamp < since)
                || (query.Until is { } until && e.Timestamp >= until)
                || (query.Types is { } types && !types.Contains(e.Type))
                || (!chat.IsEmpty && !Concerns(e, chat, alias)))
            {
                continue;
            }

            yield return e;
        }
    }

    public async IAsyncEnumerable<Notices.OperatorNotice> ReadNoticesAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in ReadHistoryAsync(new HistoryQuery { AfterSequence = afterSequence, Types = NoticeTypes }, cancellationToken).ConfigureAwait(false))
        {
            if (Notices.OperatorNotice.From(e) is { } notice)
            {
                yield return notice;
            }
        }
    }

    // An event concerns a chat when it names the chat or its alias (an alias_linked event names both).
    private static bool Concerns(PolicyEvent e, ChatId chat, ChatId alias)
        => e.Chat == chat || e.Alias == chat || (!alias.IsEmpty && (e.Chat == alias || e.Alias == alias));
}
