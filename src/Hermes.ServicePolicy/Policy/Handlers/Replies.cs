using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// A provider's reply ends the chat's run of agent sends (<c>max_consecutive_agent_sends_without_reply</c>,
/// docs/behaviour.md#limits): the rate limiter's count is reset, and the chat slot's awaiting-reply flag, set by the
/// limits step for every autonomous permit, is cleared.
/// </summary>
internal sealed class Replies
{
    private readonly PolicyCore _core;

    public Replies(PolicyCore core) => _core = core;

    /// <summary>
    /// A reply decided on this process's own counters (the hot path included). For a chat with a slot the limiter is
    /// asked only when an autonomous send is waiting for a reply, so the usual reply costs no second lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Record(in ChatView view)
    {
        if (view.Slot is { } slot)
        {
            if (Volatile.Read(ref slot.AwaitingReply) == 0)
            {
                return;
            }

            Volatile.Write(ref slot.AwaitingReply, 0); // cleared first: a send racing this reply marks it again
        }

        Record(view.Primary);
    }

    /// <summary>A reply in a chat without a slot (approved by configuration): only the limiter can hold its sends in a row.</summary>
    public void Record(ChatId primary)
    {
        if (_core.Limiter.RecordReply(primary))
        {
            _core.Checkpoints.MarkDue();
        }
    }

    /// <summary>A reply with a shared store: every process must reset its count of sends in a row, so it is an event.</summary>
    public async ValueTask<Exception?> RecordSharedAsync(ChangeScope scope, ChatView view, CancellationToken cancellationToken)
    {
        if (_core.Limiter.CountConsecutiveSends(view.Primary) > 0
            && await scope.CommitAsync(new PolicyEvent { Type = PolicyEventType.ReplyReceived, Timestamp = scope.Now, Chat = view.Primary, Actor = ActorNames.SystemActor }, cancellationToken).ConfigureAwait(false) is { } error)
        {
            return error;
        }

        if (view.Slot is { } slot)
        {
            Volatile.Write(ref slot.AwaitingReply, 0);
        }

        return null;
    }
}
