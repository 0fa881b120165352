using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Gateway.Sending;

/// <summary>
/// The only way an agent should send (docs/integrating-a-transport.md): the policy decides, only a permit reaches the
/// transport (<see cref="IMessageSender"/>), exactly once, and its outcome is reported back to the policy. Never a blind
/// retry: a retry can duplicate a message. A transport that throws is reported <see cref="SendOutcome.Unknown"/>: the
/// message may have gone out, so it counts as sent.
/// </summary>
/// <remarks>
/// A permit with <see cref="OutboundDecision.NotBefore"/> (<c>send_jitter_seconds</c>) is held until then, on the
/// sender's <see cref="TimeProvider"/>. Sends to one chat leave in the order they were permitted (each chat has its own
/// lane: a permit waits for the chat's earlier ones, never for other chats'), so a short jitter cannot overtake a long
/// one. A caller that serves many chats in one loop uses <see cref="ScheduleAsync"/>, which returns once the policy has
/// decided; <see cref="SendAsync"/> returns when the message is out and reported. Register one sender per policy (the
/// DI extensions register a singleton) so every sender of a chat shares its lane.
/// Every permit is taken from the policy before the transport is called (<see cref="IServiceConversationGate.TryTakePermit"/>):
/// one given twice, one the policy never issued or already closed, or one whose chat or text is not what was permitted
/// is refused without a call, so each permit sends exactly its chat and text, at most once.
/// </remarks>
public sealed class GatedSender
{
    private readonly IServiceConversationGate _gate;
    private readonly IMessageSender _transport;
    private readonly TimeProvider _time;
    private readonly IServiceConversationQueries? _queries;
    private readonly Dictionary<ChatId, Task> _lanes = [];

    /// <summary>
    /// Creates the sender over the policy's gate and a transport; <paramref name="time"/> times the wait for a permit's
    /// <see cref="OutboundDecision.NotBefore"/> (use the policy's). <paramref name="queries"/> (the same policy) tells a
    /// chat's other identity (<see cref="OutgoingMessage.Alias"/>); without it the alias is empty.
    /// </summary>
    public GatedSender(IServiceConversationGate gate, IMessageSender transport, TimeProvider time, IServiceConversationQueries? queries = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        _gate = gate;
        _transport = transport;
        _time = time;
        _queries = queries;
    }

    /// <summary>Gets how many chats have a send waiting or under way (a quiet chat keeps no lane: tests of the memory bound).</summary>
    internal int BusyLanes
    {
        get
        {
            lock (_lanes)
            {
                return _lanes.Count;
            }
        }
    }

    /// <summary>Asks the policy, and sends and reports a permit (in its chat's turn, not before its <see cref="OutboundDecision.NotBefore"/>).</summary>
    public async Task<GatedSendResult> SendAsync(OutboundRequest request, CancellationToken cancellationToken = default)
        => await (await ScheduleAsync(request, cancellationToken).ConfigureAwait(false)).Completion.ConfigureAwait(false);

    /// <summary>
    /// Asks the policy and returns as soon as it decided: a permit is then sent in the background, in its chat's turn
    /// and not before its <see cref="OutboundDecision.NotBefore"/>, and reported; <see cref="ScheduledSend.Completion"/>
    /// says how it went. Cancelling <paramref name="cancellationToken"/> later stops a permit still waiting (reported failed).
    /// </summary>
    public async Task<ScheduledSend> ScheduleAsync(OutboundRequest request, CancellationToken cancellationToken = default)
    {
        var decision = await _gate.DecideOutboundAsync(request, cancellationToken).ConfigureAwait(false);
        return new ScheduledSend(decision, decision.IsPermitted ? TransportAsync(decision, cancellationToken) : Task.FromResult(new GatedSendResult(decision, null, null)));
    }

    /// <summary>
    /// Sends a permit the policy already gave (an approval's, an operator command's) and reports its outcome; a permit
    /// the policy does not hand over (<see cref="IServiceConversationGate.TryTakePermit"/>) is refused before the
    /// transport is called (<see cref="GatedSendResult.Refused"/>).
    /// </summary>
    /// <remarks>It is sent after the chat's earlier sends through this sender have finished.</remarks>
    /// <exception cref="ArgumentException">The decision is not a permit.</exception>
    public Task<GatedSendResult> TransportAsync(OutboundDecision permit, CancellationToken cancellationToken = default)
    {
        if (!permit.IsPermitted || permit.Text is null)
        {
            throw new ArgumentException("Only a permit (OutboundOutcome.Permitted) can be sent.", nameof(permit));
        }

        // The chat's lane: this send starts when the one before it (if any) has finished, whatever its outcome.
        var done = new TaskCompletionSource<GatedSendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous;
        lock (_lanes)
        {
            _lanes.TryGetValue(permit.Chat, out previous);
            _lanes[permit.Chat] = done.Task;
        }

        _ = RunInLaneAsync(previous, permit, done, cancellationToken);
        return done.Task;
    }

    private async Task RunInLaneAsync(Task? previous, OutboundDecision permit, TaskCompletionSource<GatedSendResult> done, CancellationToken cancellationToken)
    {
        try
        {
            if (previous is not null)
            {
                try
                {
                    await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                        .WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Nothing went out: closed as failed now, so the permit gives its place back.
                    if (_gate.TryTakePermit(permit))
                    {
                        await _gate.ConfirmSendAsync(permit, SendReport.Failed("cancelled while waiting for the chat's earlier sends; nothing was sent"), CancellationToken.None).ConfigureAwait(false);
                    }

                    throw;
                }
            }

            done.TrySetResult(await SendInTurnAsync(permit, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException cancelled)
        {
            done.TrySetCanceled(cancelled.CancellationToken);
        }
#pragma warning disable CA1031 // Handed to the caller through the task, as an awaited send would have thrown it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            done.TrySetException(error);
        }
        finally
        {
            lock (_lanes)
            {
                if (_lanes.TryGetValue(permit.Chat, out var tail) && tail == done.Task)
                {
                    _lanes.Remove(permit.Chat); // the lane is empty: nothing is kept for a quiet chat
                }
            }
        }
    }

    private async Task<GatedSendResult> SendInTurnAsync(OutboundDecision permit, CancellationToken cancellationToken)
    {
        if (!_gate.TryTakePermit(permit))
        {
            return new GatedSendResult(permit, null, OperatorResult.Failed(ReasonCode.UnknownSend));
        }

        // send_jitter_seconds: not before the permit says. Cancelled while waiting, nothing went out: reported failed,
        // so the permit closes now (and gives its place back) instead of counting as sent when its deadline passes.
        if (permit.NotBefore is { } notBefore && notBefore - _time.GetUtcNow() is { Ticks: > 0 } wait)
        {
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await _gate.ConfirmSendAsync(permit, SendReport.Failed("cancelled while waiting for its not_before; nothing was sent"), CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        // The report must reach the policy even when the caller gives up waiting: the message may be out already.
        var message = new OutgoingMessage(permit.Chat, permit.Text!, permit.Send) { Alias = _queries?.GetStatus(permit.Chat).Alias ?? default };
        using var span = GatewayTracing.Start(GatewayTracing.SendSpan);
        span?.SetTag("hermes.chat", permit.Chat.ToMaskedString());
        var report = await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
        GatewayTracing.End(span, report.Outcome.ToCode(), report.Outcome == SendOutcome.Delivered ? null : report.Error);
        var confirmation = await _gate.ConfirmSendAsync(permit, report, CancellationToken.None).ConfigureAwait(false);
        return new GatedSendResult(permit, report, confirmation);
    }

    private async ValueTask<SendReport> SendOnceAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var report = await _transport.SendTextAsync(message, cancellationToken).ConfigureAwait(false);
            return report.Outcome is SendOutcome.Delivered or SendOutcome.Failed or SendOutcome.Unknown
                ? report
                : SendReport.Unknown("the transport answered no outcome");
        }
#pragma warning disable CA1031 // Whatever the transport threw, the message may be out: reported unknown, never lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return SendReport.Unknown($"the transport threw {ex.GetType().Name}");
        }
    }
}
