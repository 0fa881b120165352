using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Commands;
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
/// took before deciding it, skips re-deliveries by message id, asks the policy about every message, and routes:
/// delivered service messages and the owner's own messages to the <see cref="IServiceAgent"/>, operator commands to
/// the command processor (its reply to the owner's chat, its permits through the gated sender), everything else
/// dropped silently: never a reply to an unknown, revoked or group chat. A message answered <c>policy_unavailable</c>
/// (or one the agent failed on) stays in the journal and is retried in order. Notices for the owner go to every
/// operator chat, read from the log after the last one delivered.
/// </summary>
public sealed class HermesBridgeGateway : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly HermesBridgeClient _bridge;
    private readonly IServiceAgent _agent;
    private readonly HermesBridgeGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly LidMappingFiles _lids;

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
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var policy = _services.GetRequiredService<ServiceConversationPolicy>(); // opened by the policy's hosted service, which starts first
        var commands = _services.GetRequiredService<OperatorCommandProcessor>();
        var sender = new GatedBridgeSender(policy, _bridge);
        using var journal = InboundJournal.Open(_options.JournalDirectory, _time.GetUtcNow());
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                await RunOnceAsync(journal, policy, commands, sender, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // One round: what the journal still holds, then a poll, then the owner's notices.
    private async Task RunOnceAsync(InboundJournal journal, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedBridgeSender sender, CancellationToken cancellationToken)
    {
        if (await DrainAsync(journal, policy, commands, sender, cancellationToken).ConfigureAwait(false))
        {
            var polled = await _bridge.PollAsync(cancellationToken).ConfigureAwait(false);
            if (!polled.IsOk)
            {
                Report("poll_failed", string.Empty, polled.Status.ToString(), polled.Error);
            }
            else if (polled.Value!.Count > 0)
            {
                journal.Take(polled.Value);
                await DrainAsync(journal, policy, commands, sender, cancellationToken).ConfigureAwait(false);
            }
        }

        await ForwardNoticesAsync(policy, cancellationToken).ConfigureAwait(false);
    }

    // Decides the journal's events in order; false when one must wait (the policy failed closed, or the agent threw).
    private async Task<bool> DrainAsync(InboundJournal journal, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedBridgeSender sender, CancellationToken cancellationToken)
    {
        while (journal.Pending.Count > 0)
        {
            var e = journal.Pending[0];
            if (!await HandleAsync(e, policy, commands, sender, cancellationToken).ConfigureAwait(false))
            {
                Report("retry_later", e.ChatId, "waiting", null);
                return false;
            }

            journal.Done(e.MessageId, _time.GetUtcNow());
        }

        return true;
    }

    private async Task<bool> HandleAsync(BridgeEvent e, ServiceConversationPolicy policy, OperatorCommandProcessor commands, GatedBridgeSender sender, CancellationToken cancellationToken)
    {
        var alternate = e.AlternateChatId;
        if (alternate is null && ChatId.TryParse(e.ChatId, out var chatId) && _lids.AlternateOf(chatId) is { IsEmpty: false } mapped)
        {
            alternate = mapped.ToString();
        }

        _services.GetService<BridgeRecentChats>()?.Saw(e); // metadata only, for discovery when the bridge has no /chats
        if (ChatId.TryParse(e.ChatId, out var named) && e.ChatName is { Length: > 0 } name && !e.IsGroup)
        {
            policy.ObserveName(named, name); // for names in listings and the owner's replies
        }

        var decision = await policy.DecideInboundAsync(e.ChatId, alternate, e.Body, e.HasMedia, cancellationToken).ConfigureAwait(false);
        Report("decision", e.ChatId, decision.Outcome.ToString().ToLowerInvariant(), decision.Reason == ReasonCode.None ? null : decision.Reason.ToCode());
        if (decision.Reason == ReasonCode.PolicyUnavailable)
        {
            return false; // retried in order, never dropped
        }

        try
        {
            if (decision.IsOperator && decision.IsCommand)
            {
                var result = await commands.ExecuteAsync(decision.Chat, e.Body, cancellationToken).ConfigureAwait(false);
                Report("command", decision.Chat.ToString(), result.Command, result.Ok ? null : result.Reason.ToCode());
                await _bridge.SendTextAsync(decision.Chat, result.Reply, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var permit in result.Sends)
                {
                    var sent = await sender.TransportAsync(permit, cancellationToken).ConfigureAwait(false);
                    Report("send", permit.Chat.ToString(), sent.Report?.Outcome.ToCode() ?? "none", sent.Report?.Error);
                }
            }
            else if (decision.IsOperator)
            {
                await _agent.OnOwnerMessageAsync(new OwnerMessage(decision.Chat, e.Body, e.MessageId), cancellationToken).ConfigureAwait(false);
                Report("routed", decision.Chat.ToString(), "owner", e.MessageId);
            }
            else if (decision.IsDelivered)
            {
                await _agent.OnServiceMessageAsync(new ServiceMessage(decision.Chat, decision.SessionId, e.Body, decision.AsPlainText, decision.MediaStripped ? [] : e.MediaUrls, e.MessageId), cancellationToken).ConfigureAwait(false);
                Report("routed", decision.Chat.ToString(), "agent", e.MessageId);
            }

            // Blocked: dropped silently. Nothing is ever sent back to an unknown, revoked or group chat.
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Report("agent_failed", e.ChatId, "retry", ex.Message);
            return false;
        }
    }

    // Notices go to every operator chat; the position of the last one delivered is kept beside the journal.
    private async Task ForwardNoticesAsync(ServiceConversationPolicy policy, CancellationToken cancellationToken)
    {
        var operators = policy.Options.OperatorChats;
        if (operators.Count == 0)
        {
            return;
        }

        var positionFile = Path.Combine(_options.JournalDirectory, "notices.position");
        var position = File.Exists(positionFile) && long.TryParse(await File.ReadAllTextAsync(positionFile, cancellationToken).ConfigureAwait(false), NumberStyles.None, CultureInfo.InvariantCulture, out var stored) ? stored : 0;
        await foreach (var notice in policy.ReadNoticesAsync(position, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in operators)
            {
                var owner = await policy.Resolver.ResolveAsync(entry, cancellationToken).ConfigureAwait(false);
                foreach (var message in notice.Format(policy.Options.OperatorCommand, policy.GetChatName(notice.Chat)))
                {
                    var sent = await _bridge.SendTextAsync(owner.Chat, message, cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (sent.Status == BridgeStatus.Refused)
                    {
                        return; // not delivered: offered again at the next round
                    }
                }
            }

            Report("notice", notice.Chat.ToString(), notice.KindCode, notice.Handle);
            await File.WriteAllTextAsync(positionFile, notice.Sequence.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
    }

    private void Report(string kind, string chat, string outcome, string? detail) => _options.OnActivity?.Invoke(new GatewayActivity(kind, chat, outcome, detail));
}
