using System;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Inbound decisions for a service chat (docs/behaviour.md, "Promotion" and command prefixes), as pure functions.</summary>
internal static class InboundRules
{
    /// <summary>
    /// A reply promotes a <c>draft_first</c> chat when we have sent in it since it last entered <c>draft_first</c> (a send
    /// counts once it is delivered or unknown, never when it failed).
    /// </summary>
    public static bool CanPromote(in ChatView view)
        => view.Mode == ServiceChatMode.DraftFirst && !view.IsPaused && view.Record is { SentSinceDraftFirst: true };

    /// <summary>
    /// Whether a message is delivered without the gate: a service chat whose state is durable, where the reply writes
    /// nothing (no command prefix, no promotion) and, with shared state, has no run of agent sends to reset.
    /// </summary>
    public static bool DeliversWithoutGate(in ChatView view, in InboundMessage message, PolicyConfiguration configuration, long durable, bool shared)
        => view.IsService && (view.Record is null || view.Record.Changed <= durable)
            && (!shared || view.Slot is { AwaitingReply: 0 })
            && (message.Text is null || !configuration.IsPlainTextOnly(message.Text))
            && !(configuration.AutoPromote && CanPromote(view));

    /// <summary>The events a delivered message writes: <c>command_blocked</c> when it starts with a command prefix, <c>chat_promoted</c> when it promotes the chat.</summary>
    public static PolicyEvent[] Delivery(in ChatView view, bool asPlainText, PolicyConfiguration configuration, DateTimeOffset now)
    {
        var promote = configuration.AutoPromote && CanPromote(view);
        if (!asPlainText && !promote)
        {
            return [];
        }

        var events = new PolicyEvent[(asPlainText ? 1 : 0) + (promote ? 1 : 0)];
        var i = 0;
        if (asPlainText)
        {
            events[i++] = new PolicyEvent { Type = PolicyEventType.CommandBlocked, Timestamp = now, Chat = view.Primary, Actor = ActorNames.SystemActor, SessionId = view.Session };
        }

        if (promote)
        {
            events[i] = new PolicyEvent { Type = PolicyEventType.ChatPromoted, Timestamp = now, Chat = view.Primary, Actor = ActorNames.SystemActor, FromMode = ServiceChatMode.DraftFirst, ToMode = ServiceChatMode.Autonomous };
        }

        return events;
    }
}
