using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Journal;
using Hermes.ServicePolicy.Gateway.Routing;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Gateway;

/// <summary>
/// The policy-gated gateway loop over any transport (docs/writing-a-transport.md): receives, journals what it took
/// before deciding it, skips re-deliveries by chat and message id, asks the policy about every message, and routes:
/// delivered service messages and the owner's own messages to the <see cref="IServiceAgent"/>, operator commands to the
/// command processor (its reply to the owner's chat, its permits through the gated sender), messages the owner typed
/// into a service chat to the agent as the owner's (never answered as the provider's), everything else dropped
/// silently: never a reply to an unknown, revoked or group chat. A message answered <c>policy_unavailable</c> stays in
/// the journal and is retried in order; one whose handling fails (the agent or a command threw) is retried with backoff
/// and set aside after <see cref="ServiceGatewayOptions.MaxAttempts"/>, with a message to the owner, so the queue goes
/// on. Notices for the owner go to every operator chat, read from the log after the last one delivered.
/// </summary>
/// <remarks>One gateway per journal folder and per transport; its methods are not to be called concurrently.</remarks>
public sealed class ServiceGateway : IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30); // between attempts at one failing message
    private readonly ServiceConversationPolicy _policy;
    private readonly IMessageTransport _transport;
    private readonly IServiceAgent _agent;
    private readonly ServiceGatewayOptions _options;
    private readonly GatedSender _sender;
    private readonly OperatorCommandProcessor _commands;
    private readonly TimeProvider _time;
    private readonly TransportConnection _connection;
    private readonly OwnerNotices _notices;
    private readonly InboundJournal _journal;
    private DateTimeOffset _retryAt;
    private bool _pollFailing;

    private ServiceGateway(ServiceConversationPolicy policy, IMessageTransport transport, IServiceAgent agent, ServiceGatewayOptions options, GatedSender sender, OperatorCommandProcessor commands, TimeProvider time, TransportStatus status, InboundJournal journal)
    {
        _policy = policy;
        _transport = transport;
        _agent = agent;
        _options = options;
        _sender = sender;
        _commands = commands;
        _time = time;
        _journal = journal;
        _connection = new TransportConnection(transport, options.PollInterval, Report, status, time);
        _notices = new OwnerNotices(transport, options.JournalDirectory, Report);
    }

    /// <summary>
    /// Opens the gateway: checks <paramref name="options"/> and opens the inbound journal, so a damaged one stops the
    /// host's start (nothing in it is run). The policy must be open.
    /// </summary>
    /// <param name="policy">The opened policy.</param>
    /// <param name="transport">The transport: received messages come from it, permitted texts and the owner's notices go through it.</param>
    /// <param name="agent">Where delivered messages go.</param>
    /// <param name="options">How the loop runs; <see cref="ServiceGatewayOptions.JournalDirectory"/> is required.</param>
    /// <param name="sender">The gated sender the agent sends with (so a chat's sends share one lane); by default, one over <paramref name="transport"/>.</param>
    /// <param name="commands">The operator command processor; by default, one over <paramref name="policy"/>.</param>
    /// <param name="status">Where the transport's connection is written for health checks; by default, one only the gateway sees.</param>
    /// <param name="time">The clock for backoff and the journal; by default the system's.</param>
    /// <exception cref="InvalidOperationException">An option is out of range (the message names it).</exception>
    /// <exception cref="InboundJournalCorruptedException">The journal is damaged or was written by an earlier version.</exception>
    public static ServiceGateway Open(
        ServiceConversationPolicy policy,
        IMessageTransport transport,
        IServiceAgent agent,
        ServiceGatewayOptions options,
        GatedSender? sender = null,
        OperatorCommandProcessor? commands = null,
        TransportStatus? status = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        time ??= TimeProvider.System;
        var journal = InboundJournal.Open(options.JournalDirectory, time.GetUtcNow());
        return new ServiceGateway(policy, transport, agent, options, sender ?? new GatedSender(policy, transport, time, policy), commands ?? new OperatorCommandProcessor(policy), time, status ?? new TransportStatus(), journal);
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled: asks the transport whether it is connected, then one round per <see cref="ServiceGatewayOptions.PollInterval"/> (longer while it fails).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.CheckAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_connection.NextDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One round: what the journal still holds, one receive (taken into the journal even while a message waits: a far end
    /// may drop its oldest), the journal again, then the owner's notices. While the transport is down, each round first
    /// asks whether it is back, and notices wait. For hosts that drive their own loop, and for tests.
    /// </summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!_connection.IsUp)
        {
            await _connection.CheckAsync(cancellationToken).ConfigureAwait(false);
        }

        await DrainAsync(cancellationToken).ConfigureAwait(false);
        var received = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (!received.IsOk)
        {
            if (!_pollFailing)
            {
                Report("poll_failed", string.Empty, "failed", received.Error); // once per outage, not once per round
            }

            _pollFailing = true;
            await _connection.FailedAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _pollFailing = false;
            _connection.RoundSucceeded();
            if (received.Messages.Count > 0 && _journal.Take(received.Messages).Count > 0)
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_connection.IsUp && !await _notices.ForwardAsync(_policy, cancellationToken).ConfigureAwait(false))
        {
            await _connection.FailedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _journal.Dispose();

    private async Task<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var span = GatewayTracing.Start(GatewayTracing.PollSpan);
        ReceiveResult received;
        try
        {
            received = await _transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            received = ReceiveResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }

        GatewayTracing.End(span, received.IsOk ? "ok" : "failed", received.Error);
        span?.SetTag("hermes.events", received.Messages.Count);
        return received;
    }

    // Decides the journal's messages in order; stops at one that must wait (the policy failed closed, or a failed attempt's backoff).
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_journal.Pending.Count > 0)
        {
            var e = _journal.Pending[0];
            if (_time.GetUtcNow() < _retryAt)
            {
                return;
            }

            var (handled, error) = await HandleAsync(e, cancellationToken).ConfigureAwait(false);
            if (handled)
            {
                _retryAt = default;
                _journal.Done(e, _time.GetUtcNow());
                continue;
            }

            if (error is null)
            {
                Report("retry_later", e.ChatId, "waiting", null); // policy_unavailable: worth waiting for, not counted
                return;
            }

            var failures = _journal.Failed(e, error, _time.GetUtcNow());
            if (failures < _options.MaxAttempts)
            {
                var backoff = TimeSpan.FromSeconds(Math.Pow(2, failures - 1));
                _retryAt = _time.GetUtcNow() + (backoff < MaxBackoff ? backoff : MaxBackoff);
                Report("retry_later", e.ChatId, "backoff", error);
                return;
            }

            _retryAt = default;
            _journal.SetAside(e, error, _time.GetUtcNow());
            Report("set_aside", e.ChatId, failures.ToString(CultureInfo.InvariantCulture), error);
            await TellOwnerSetAsideAsync(e, failures, error, cancellationToken).ConfigureAwait(false);
        }
    }

    // (true, null) handled; (false, null) the policy failed closed: wait; (false, error) the attempt failed.
    private async Task<(bool Handled, string? Error)> HandleAsync(IncomingMessage e, CancellationToken cancellationToken)
    {
        try
        {
            if (!e.FromOwner && ChatId.TryParse(e.ChatId, out var named) && e.ChatName is { Length: > 0 } name && !e.IsGroup)
            {
                _policy.ObserveName(named, name); // for names in listings and the owner's replies
            }

            var decision = await _policy.DecideInboundAsync(e.ChatId, e.AlternateChatId, e.Body, e.HasMedia, e.FromOwner, cancellationToken).ConfigureAwait(false);
            Report("decision", e.ChatId, decision.Outcome.ToCode(), decision.Reason == ReasonCode.None ? null : decision.Reason.ToCode());
            if (decision.Reason == ReasonCode.PolicyUnavailable)
            {
                return (false, null); // retried in order, never dropped
            }

            await RouteAsync(e, decision, cancellationToken).ConfigureAwait(false);
            return (true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Report("agent_failed", e.ChatId, "retry", ex.Message);
            return (false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task RouteAsync(IncomingMessage e, InboundDecision decision, CancellationToken cancellationToken)
    {
        switch (decision.Outcome)
        {
            case InboundOutcome.Operator when decision.IsCommand:
                var result = await _commands.ExecuteAsync(decision.Chat, e.Body, cancellationToken).ConfigureAwait(false);
                Report("command", decision.Chat.ToString(), result.Command, result.Ok ? null : result.Reason.ToCode());
                var replied = await _notices.SendAsync(decision.Chat, result.Reply, cancellationToken).ConfigureAwait(false);
                if (replied.Outcome != SendOutcome.Delivered)
                {
                    // The command's effect stands; its reply did not arrive (or may not have): said, never silent.
                    Report("reply", decision.Chat.ToString(), replied.Outcome.ToCode(), replied.Error);
                }

                foreach (var permit in result.Sends)
                {
                    // Sent in the chat's turn (after a jittered agent send there, say) without holding the other chats: reported when done.
                    _ = ReportWhenSentAsync(permit.Chat, _sender.TransportAsync(permit, cancellationToken));
                }

                break;
            case InboundOutcome.Operator:
                await _agent.OnOwnerMessageAsync(new OwnerMessage(decision.Chat, e.Body, e.MessageId), cancellationToken).ConfigureAwait(false);
                Report("routed", decision.Chat.ToString(), "owner", e.MessageId);
                break;
            case InboundOutcome.OwnerMessage:
                await _agent.OnOwnerTypedAsync(new OwnerTypedMessage(decision.Chat, decision.SessionId, e.Body, e.MessageId), cancellationToken).ConfigureAwait(false);
                Report("routed", decision.Chat.ToString(), "owner_typed", e.MessageId);
                break;
            case InboundOutcome.Delivered:
                await _agent.OnServiceMessageAsync(new ServiceMessage(decision.Chat, decision.SessionId, e.Body, decision.AsPlainText, decision.MediaStripped ? [] : e.MediaUrls, e.MessageId), cancellationToken).ConfigureAwait(false);
                Report("routed", decision.Chat.ToString(), "agent", e.MessageId);
                break;
            default:
                // Blocked or ignored: dropped silently. Nothing is ever sent back to an unknown, revoked or group chat.
                break;
        }
    }

    // The owner hears of a message set aside in every operator chat (best effort: the journal and the activity report keep it too).
    private async Task TellOwnerSetAsideAsync(IncomingMessage e, int failures, string error, CancellationToken cancellationToken)
    {
        var chat = ChatId.TryParse(e.ChatId, out var parsed) ? _policy.GetChatName(parsed) is { Length: > 0 } name ? $"{name} ({parsed})" : parsed.ToString() : "a chat the transport named oddly";
        var text = $"A message from {chat} could not be handled after {failures} attempts and was set aside; the messages after it go on. The last error:\n"
            + Quote(error.Length > 300 ? error[..300] : error);
        foreach (var entry in _policy.Options.OperatorChats)
        {
            var owner = await _policy.Resolver.ResolveAsync(entry, cancellationToken).ConfigureAwait(false);
            if (owner.IsResolved)
            {
                var sent = await _notices.SendAsync(owner.Chat, text, cancellationToken).ConfigureAwait(false);
                Report("notice", owner.Chat.ToString(), "set_aside", sent.Outcome == SendOutcome.Delivered ? null : sent.Error ?? sent.Outcome.ToCode());
            }
        }
    }

    // Untrusted text, quoted line by line: no line of it can read as a command.
    private static string Quote(string text) => "> " + text.ReplaceLineEndings("\n> ");

    private async Task ReportWhenSentAsync(ChatId chat, Task<GatedSendResult> sending)
    {
        try
        {
            var sent = await sending.ConfigureAwait(false);
            Report("send", chat.ToString(), sent.Report?.Outcome.ToCode() ?? "refused", sent.Report?.Error);
        }
        catch (OperationCanceledException)
        {
            Report("send", chat.ToString(), "failed", "the gateway stopped before it was sent");
        }
#pragma warning disable CA1031 // A send that threw is reported, never lost with its task.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Report("send", chat.ToString(), "unknown", $"{error.GetType().Name}: {error.Message}");
        }
    }

    private void Report(string kind, string chat, string outcome, string? detail) => _options.OnActivity?.Invoke(new GatewayActivity(kind, chat, outcome, detail));
}
