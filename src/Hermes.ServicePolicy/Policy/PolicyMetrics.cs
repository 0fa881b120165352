using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Diagnostics.Metrics;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The policy's instruments (names in <see cref="ServiceConversationMetrics"/>), on a meter from the host's
/// <see cref="IMeterFactory"/> when one is given, else on a meter of the policy's own. Recording costs nothing
/// measurable while no listener is attached, and tag values are stable snake_case literals, so the hot path stays
/// allocation-free.
/// </summary>
internal sealed class PolicyMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _events;
    private readonly Counter<long> _limitHits;
    private readonly Counter<long> _sends;
    private readonly Counter<long> _conflicts;

    public PolicyMetrics(IMeterFactory? meterFactory)
    {
        var version = typeof(PolicyMetrics).Assembly.GetName().Version?.ToString();
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownedMeter = new Meter(ServiceConversationMetrics.MeterName, version);
        }
        else
        {
            meter = meterFactory.Create(new MeterOptions(ServiceConversationMetrics.MeterName) { Version = version });
        }

        _decisions = meter.CreateCounter<long>(ServiceConversationMetrics.DecisionsInstrument, "{decision}", "Decisions of the service-conversation policy.");
        _events = meter.CreateCounter<long>(ServiceConversationMetrics.EventsInstrument, "{event}", "State changes committed by the service-conversation policy.");
        _limitHits = meter.CreateCounter<long>(ServiceConversationMetrics.LimitHitsInstrument, "{denial}", "Sends denied by a rate limit.");
        _sends = meter.CreateCounter<long>(ServiceConversationMetrics.SendOutcomesInstrument, "{send}", "Send permits closed, by outcome.");
        _conflicts = meter.CreateCounter<long>(ServiceConversationMetrics.ConflictsInstrument, "{conflict}", "Decisions made again because another process changed the shared state first.");
    }

    public void Inbound(in InboundDecision decision)
    {
        if (_decisions.Enabled)
        {
            AddInbound(decision.Outcome, decision.Reason);
        }
    }

    // Out of line: the tags' locals would otherwise widen (and zero) the inbound hot path's frame when nobody listens.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddInbound(InboundOutcome outcome, ReasonCode reason)
        => _decisions.Add(1, new KeyValuePair<string, object?>("hermes.direction", "inbound"), new KeyValuePair<string, object?>("hermes.outcome", outcome.ToCode()), new KeyValuePair<string, object?>("hermes.reason", reason.ToCode()));

    public void Outbound(in OutboundDecision decision, bool approval)
    {
        if (_decisions.Enabled)
        {
            var outcome = decision.Outcome switch
            {
                OutboundOutcome.Permitted => "sent",
                OutboundOutcome.Draft => "draft",
                _ => "denied",
            };
            _decisions.Add(1, new KeyValuePair<string, object?>("hermes.direction", approval ? "approval" : "outbound"), new KeyValuePair<string, object?>("hermes.outcome", outcome), new KeyValuePair<string, object?>("hermes.reason", decision.Reason.ToCode()));
        }

        if (_limitHits.Enabled && decision.Reason is ReasonCode.DailyNewChatLimit or ReasonCode.HourlySendLimit or ReasonCode.ConsecutiveSendsWithoutReply)
        {
            _limitHits.Add(1, new KeyValuePair<string, object?>("hermes.limit", decision.Reason.ToCode()));
        }
    }

    public void Conflict() => _conflicts.Add(1);

    public void Committed(PolicyEvent committed)
    {
        if (_events.Enabled)
        {
            _events.Add(1, new KeyValuePair<string, object?>("hermes.event", committed.Type.ToCode()));
        }

        if (_sends.Enabled)
        {
            var outcome = committed.Type switch
            {
                PolicyEventType.MessageSent or PolicyEventType.FirstContactSent when !committed.Send.IsEmpty => "delivered",
                PolicyEventType.SendFailed => "failed",
                PolicyEventType.SendUnknown => committed.Reason == ReasonCode.NotConfirmed ? "not_confirmed" : "unknown",
                _ => null,
            };
            if (outcome is not null)
            {
                _sends.Add(1, new KeyValuePair<string, object?>("hermes.outcome", outcome));
            }
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
