using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.HermesBridge.Sending;

/// <summary>What a gated send did: the policy's decision and, for a permit, the bridge's outcome as reported back.</summary>
/// <param name="Decision">The policy's decision (a permit, a draft or a denial).</param>
/// <param name="Report">What was reported for a permit: delivered, failed or unknown; null when nothing was sent.</param>
/// <param name="Confirmation">The policy's answer to the report (not ok only if the policy failed closed); for a permit
/// that was refused before any network call (<see cref="Refused"/>), <see cref="ReasonCode.UnknownSend"/>.</param>
public sealed record GatedSendResult(OutboundDecision Decision, SendReport? Report, OperatorResult? Confirmation)
{
    /// <summary>Gets whether the message went out (the bridge answered 200).</summary>
    public bool Delivered => Report is { Outcome: SendOutcome.Delivered };

    /// <summary>Gets whether a permit was refused before anything was sent: given twice, not issued by this policy, or closed already.</summary>
    public bool Refused => Decision.IsPermitted && Report is null;
}

/// <summary>A send the policy decided on: its decision now, and what the transport did once the permit's turn came.</summary>
/// <param name="Decision">The policy's decision (a permit, a draft or a denial), known when <see cref="GatedBridgeSender.ScheduleAsync"/> returns.</param>
/// <param name="Completion">
/// Completes when a permit was sent and reported (at or after its <see cref="OutboundDecision.NotBefore"/>, after the
/// chat's earlier sends), at once for anything else. It faults only as <see cref="GatedBridgeSender.TransportAsync"/> would
/// (cancelled while waiting: the permit was reported failed first).
/// </param>
public sealed record ScheduledSend(OutboundDecision Decision, Task<GatedSendResult> Completion);

/// <summary>
/// The only way an agent should send through the bridge (docs/hermes-bridge.md): the policy decides, only a permit
/// reaches <c>POST /send</c>, exactly once, and the HTTP outcome is reported back: 200 → delivered (with the bridge's
/// message id); 400, 404, 503 or a refused connection → failed (the permit's changes are undone); a timeout, a reset
/// connection, a 500 or an unreadable answer → unknown (it may have gone out; it counts as sent). Never a blind retry:
/// the bridge has no idempotency, so a retry can duplicate a message. A text longer than the bridge's chunk size goes
/// as one permit; a partial multi-part failure comes back as a 500, which is reported unknown.
/// </summary>
/// <remarks>
/// A permit with <see cref="OutboundDecision.NotBefore"/> (<c>send_jitter_seconds</c>) is held until then, on the
/// sender's <see cref="TimeProvider"/>. Sends to one chat leave in the order they were permitted (each chat has its own
/// lane: a permit waits for the chat's earlier ones, never for other chats'), so a short jitter cannot overtake a long
/// one. A caller that serves many chats in one loop uses <see cref="ScheduleAsync"/>, which returns once the policy has
/// decided; <see cref="SendAsync"/> returns when the message is out and reported. Register one sender per policy (the
/// DI extension registers a singleton) so every sender of a chat shares its lane.
/// Every permit is taken from the policy before the network call (<see cref="IServiceConversationGate.TryTakePermit"/>):
/// one given twice, one the policy never issued or already closed, or one whose chat or text is not what was permitted
/// is refused without a request, so each permit sends exactly its chat and text, at most once.
/// </remarks>
public sealed class GatedBridgeSender
{
    private readonly IServiceConversationGate _gate;
    private readonly HermesBridgeClient _bridge;
    private readonly TimeProvider _time;
    private readonly IServiceConversationQueries? _queries;
    private readonly Dictionary<ChatId, Task> _lanes = [];

    /// <summary>Creates the sender over the policy's gate and the bridge client, on the system clock.</summary>
    public GatedBridgeSender(IServiceConversationGate gate, HermesBridgeClient bridge)
        : this(gate, bridge, TimeProvider.System)
    {
    }

    /// <summary>
    /// Creates the sender over the policy's gate and the bridge client; <paramref name="time"/> times the wait for a
    /// permit's <see cref="OutboundDecision.NotBefore"/> (use the policy's). Without the policy's queries it cannot
    /// address chats by their LIDs (<see cref="HermesBridgeOptions.PreferLidChats"/>).
    /// </summary>
    public GatedBridgeSender(IServiceConversationGate gate, HermesBridgeClient bridge, TimeProvider time)
        : this(gate, bridge, time, null)
    {
    }

    /// <summary>
    /// Creates the sender; <paramref name="queries"/> (the same policy) tells a chat's LID for
    /// <see cref="HermesBridgeOptions.PreferLidChats"/>.
    /// </summary>
    public GatedBridgeSender(IServiceConversationGate gate, HermesBridgeClient bridge, TimeProvider time, IServiceConversationQueries? queries)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(time);
        _gate = gate;
        _bridge = bridge;
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
    /// the policy does not hand over (<see cref="IServiceConversationGate.TryTakePermit"/>) is refused before any
    /// request (<see cref="GatedSendResult.Refused"/>).
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

    // The chat as the transport should address it: its LID when the host prefers LIDs and the policy knows one.
    private ChatId WireTarget(ChatId chat, HermesBridgeOptions options)
        => options.PreferLidChats && chat.Kind == ChatKind.Phone && _queries?.GetStatus(chat).Alias is { IsEmpty: false, Kind: ChatKind.Lid } lid ? lid : chat;

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
        var options = _bridge.Options;
        using var span = Gateway.GatewayTracing.Start(Gateway.GatewayTracing.SendSpan);
        span?.SetTag("hermes.chat", permit.Chat.ToMaskedString());
        var sent = await _bridge.SendTextAsync(WireTarget(permit.Chat, options), permit.Text!, null, options.SendIdempotencyKeys ? permit.Send.ToString() : null, cancellationToken).ConfigureAwait(false);
        var report = sent.Status switch
        {
            BridgeStatus.Ok => SendReport.Delivered(sent.Value?.MessageId),
            BridgeStatus.Refused => SendReport.Failed(sent.Error ?? "the bridge refused the send"),
            _ => SendReport.Unknown(sent.Error),
        };
        Gateway.GatewayTracing.End(span, report.Outcome.ToCode(), report.Outcome == SendOutcome.Delivered ? null : report.Error);
        var confirmation = await _gate.ConfirmSendAsync(permit, report, CancellationToken.None).ConfigureAwait(false);
        return new GatedSendResult(permit, report, confirmation);
    }
}
