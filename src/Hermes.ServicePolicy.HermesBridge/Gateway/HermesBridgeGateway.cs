using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
using Hermes.ServicePolicy.Gateway;
using Hermes.ServicePolicy.Gateway.Agents;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.HermesBridge.Client;
using Hermes.ServicePolicy.HermesBridge.Sending;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.HermesBridge.Gateway;

/// <summary>
/// The policy-gated gateway loop over Hermes's bridge (docs/hermes-bridge.md): polls <c>/messages</c>, journals what it
/// took before deciding it, skips re-deliveries by chat and message id, asks the policy about every message, and routes:
/// delivered service messages and the owner's own messages to the <see cref="IServiceAgent"/>, operator commands to
/// the command processor (its reply to the owner's chat, its permits through the gated sender), messages the owner
/// typed into a service chat to the agent as the owner's (never answered as the provider's), everything else dropped
/// silently: never a reply to an unknown, revoked or group chat. A message answered <c>policy_unavailable</c> stays in
/// the journal and is retried in order; one whose handling fails (the agent or a command threw) is retried with backoff
/// and set aside after <see cref="HermesBridgeGatewayOptions.MaxAttempts"/>, with a message to the owner, so the queue
/// goes on. Notices for the owner go to every operator chat, read from the log after the last one delivered.
/// </summary>
public sealed class HermesBridgeGateway : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30); // between attempts at one failing message
    private readonly IServiceProvider _services;
    private readonly HermesBridgeClient _bridge;
    private readonly IServiceAgent _agent;
    private readonly HermesBridgeGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly LidMappingFiles _lids;
    private readonly BridgeConnection _connection;
    private readonly OwnerNotices _notices;
    private InboundJournal? _journal;
    private DateTimeOffset _retryAt;
    private bool _pollFailing;

    /// <summary>Creates the gateway; the container does (<c>AddHermesBridgeGateway</c>).</summary>
    public HermesBridgeGateway(IServiceProvider services, HermesBridgeClient bridge, IServiceAgent agent, IOptions<HermesBridgeGatewayOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _bridge = bridge;
        _agent = agent;
        _options = options.Value;
        _time = time;
        _lids = new LidMappingFiles(_options.SessionDirectory);
        if (_options.JournalDirectory.Length == 0)
        {
            throw new InvalidOperationException("HermesBridgeGatewayOptions.JournalDirectory is required: the journal keeps polled messages until they are decided.");
        }

        if (_options.MaxAttempts is < 1 or > 100)
        {
            throw new InvalidOperationException($"HermesBridgeGatewayOptions.MaxAttempts must be 1 to 100, not {_options.MaxAttempts}.");
        }

        _connection = new BridgeConnection(bridge, _options.PollInterval, Report, services.GetService<TransportStatus>() ?? new TransportStatus(), time);
        _notices = new OwnerNotices(bridge, _options.JournalDirectory, Report);
    }

    /// <summary>Opens the inbound journal before the loop starts, so a damaged one stops the host's start (nothing in it is run).</summary>
    /// <exception cref="InboundJournalCorruptedException">The journal is damaged or was written by an earlier version.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _journal ??= InboundJournal.Open(_options.JournalDirectory, _time.GetUtcNow());
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _journal?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = _services.GetRequiredService<ServiceConversationPolicy>(); // opened by the policy's hosted service, which starts first
        var commands = _services.GetRequiredService<OperatorCommandProcessor>();
        var sender = _services.GetService<GatedSender>() ?? new GatedSender(policy, new HermesBridgeMessageSender(_bridge), _time, policy); // the agent's, so a chat's sends share one lane
        var journal = _journal ?? throw new InvalidOperationException("The gateway was not started.");
        try
        {
            await _connection.CheckAsync(stoppingToken).ConfigureAwait(false);
            while (true)
            {
                await RunOnceAsync(journal, policy, commands, sender, stoppingToken).ConfigureAwait(false);
                await Task.Delay(_connection.NextDelay, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // One round: what the journal still holds, one poll (taken into the journal even while an event waits: the bridge
    // drops its oldest past 100), the journal again, then the owner's notices. While the bridge is down, each round
    // first asks /health, rounds back off, and notices wait.
    private async Task RunOnceAsync(InboundJournal journal, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedSender sender, CancellationToken cancellationToken)
    {
        if (!_connection.IsUp)
        {
            await _connection.CheckAsync(cancellationToken).ConfigureAwait(false);
        }

        await DrainAsync(journal, policy, commands, sender, cancellationToken).ConfigureAwait(false);
        BridgeResult<System.Collections.Generic.IReadOnlyList<BridgeEvent>> polled;
        using (var span = GatewayTracing.Start(GatewayTracing.PollSpan))
        {
            polled = await _bridge.PollAsync(cancellationToken).ConfigureAwait(false);
            GatewayTracing.End(span, polled.IsOk ? "ok" : polled.Status.ToString().ToLowerInvariant(), polled.Error);
            span?.SetTag("hermes.events", polled.Value?.Count ?? 0);
        }

        if (!polled.IsOk)
        {
            if (!_pollFailing)
            {
                Report("poll_failed", string.Empty, polled.Status.ToString(), polled.Error); // once per outage, not once per round
            }

            _pollFailing = true;
            await _connection.FailedAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _pollFailing = false;
            _connection.RoundSucceeded();
            if (polled.Value!.Count > 0 && journal.Take(polled.Value).Count > 0)
            {
                await DrainAsync(journal, policy, commands, sender, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_connection.IsUp && !await _notices.ForwardAsync(policy, cancellationToken).ConfigureAwait(false))
        {
            await _connection.FailedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Decides the journal's events in order; stops at one that must wait (the policy failed closed, or a failed attempt's backoff).
    private async Task DrainAsync(InboundJournal journal, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedSender sender, CancellationToken cancellationToken)
    {
        while (journal.Pending.Count > 0)
        {
            var e = journal.Pending[0];
            if (_time.GetUtcNow() < _retryAt)
            {
                return;
            }

            var (handled, error) = await HandleAsync(e, policy, commands, sender, cancellationToken).ConfigureAwait(false);
            if (handled)
            {
                _retryAt = default;
                journal.Done(e, _time.GetUtcNow());
                continue;
            }

            if (error is null)
            {
                Report("retry_later", e.ChatId, "waiting", null); // policy_unavailable: worth waiting for, not counted
                return;
            }

            var failures = journal.Failed(e, error, _time.GetUtcNow());
            if (failures < _options.MaxAttempts)
            {
                var backoff = TimeSpan.FromSeconds(Math.Pow(2, failures - 1));
                _retryAt = _time.GetUtcNow() + (backoff < MaxBackoff ? backoff : MaxBackoff);
                Report("retry_later", e.ChatId, "backoff", error);
                return;
            }

            _retryAt = default;
            journal.SetAside(e, error, _time.GetUtcNow());
            Report("set_aside", e.ChatId, failures.ToString(CultureInfo.InvariantCulture), error);
            await TellOwnerSetAsideAsync(policy, e, failures, error, cancellationToken).ConfigureAwait(false);
        }
    }

    // (true, null) handled; (false, null) the policy failed closed: wait; (false, error) the attempt failed.
    private async Task<(bool Handled, string? Error)> HandleAsync(BridgeEvent e, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedSender sender, CancellationToken cancellationToken)
    {
        try
        {
            var alternate = e.AlternateChatId;
            if (alternate is null && ChatId.TryParse(e.ChatId, out var chatId) && _lids.AlternateOf(chatId) is { IsEmpty: false } mapped)
            {
                alternate = mapped.ToString();
            }

            _services.GetService<BridgeRecentChats>()?.Saw(e); // metadata only, for discovery when the bridge has no /chats
            if (!e.FromOwner && ChatId.TryParse(e.ChatId, out var named) && e.ChatName is { Length: > 0 } name && !e.IsGroup)
            {
                policy.ObserveName(named, name); // for names in listings and the owner's replies
            }

            var decision = await policy.DecideInboundAsync(e.ChatId, alternate, e.Body, e.HasMedia, e.FromOwner, cancellationToken).ConfigureAwait(false);
            Report("decision", e.ChatId, decision.Outcome.ToCode(), decision.Reason == ReasonCode.None ? null : decision.Reason.ToCode());
            if (decision.Reason == ReasonCode.PolicyUnavailable)
            {
                return (false, null); // retried in order, never dropped
            }

            await RouteAsync(e, decision, commands, sender, cancellationToken).ConfigureAwait(false);
            return (true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Report("agent_failed", e.ChatId, "retry", ex.Message);
            return (false, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task RouteAsync(BridgeEvent e, InboundDecision decision, OperatorCommandProcessor commands, GatedSender sender, CancellationToken cancellationToken)
    {
        switch (decision.Outcome)
        {
            case InboundOutcome.Operator when decision.IsCommand:
                var result = await commands.ExecuteAsync(decision.Chat, e.Body, cancellationToken).ConfigureAwait(false);
                Report("command", decision.Chat.ToString(), result.Command, result.Ok ? null : result.Reason.ToCode());
                var replied = await _bridge.SendTextAsync(decision.Chat, result.Reply, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!replied.IsOk)
                {
                    // The command's effect stands; its reply did not arrive (or may not have): said, never silent.
                    Report("reply", decision.Chat.ToString(), replied.Status == BridgeStatus.Refused ? "failed" : "unknown", replied.Error);
                }

                foreach (var permit in result.Sends)
                {
                    // Sent in the chat's turn (after a jittered agent send there, say) without holding the other chats: reported when done.
                    _ = ReportWhenSentAsync(permit.Chat, sender.TransportAsync(permit, cancellationToken));
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
    private async Task TellOwnerSetAsideAsync(ServiceConversationPolicy policy, BridgeEvent e, int failures, string error, CancellationToken cancellationToken)
    {
        var chat = ChatId.TryParse(e.ChatId, out var parsed) ? policy.GetChatName(parsed) is { Length: > 0 } name ? $"{name} ({parsed})" : parsed.ToString() : "a chat the bridge named oddly";
        var text = $"A message from {chat} could not be handled after {failures} attempts and was set aside; the messages after it go on. The last error:\n"
            + Quote(error.Length > 300 ? error[..300] : error);
        foreach (var entry in policy.Options.OperatorChats)
        {
            var owner = await policy.Resolver.ResolveAsync(entry, cancellationToken).ConfigureAwait(false);
            if (owner.IsResolved)
            {
                var sent = await _bridge.SendTextAsync(owner.Chat, text, cancellationToken: cancellationToken).ConfigureAwait(false);
                Report("notice", owner.Chat.ToString(), "set_aside", sent.IsOk ? null : sent.Error);
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
