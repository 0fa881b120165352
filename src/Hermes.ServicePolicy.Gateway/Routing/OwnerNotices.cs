using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Gateway.Transport;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Gateway.Routing;

/// <summary>
/// Sends the owner's notices to every operator chat, in log order, and keeps the position of the last one delivered
/// (<c>notices.position</c> beside the journal). A notice counts as delivered only when every message of it to every
/// operator chat was reported delivered by the transport. One that failed is offered again at a later round; when any of it may have reached
/// the owner already (a part was sent, or the send's outcome is unknown: a timeout, a reset), it is offered again marked as
/// possibly repeated, also after a restart (<c>notices.maybe-seen</c> names it; the position file keeps its one-number
/// format, so an older gateway still reads it). Nothing behind it is sent first.
/// </summary>
internal sealed class OwnerNotices
{
    /// <summary>The line that opens a notice offered again after it may have reached the owner.</summary>
    public const string MayRepeat = "(This may repeat a notice you already received.)";

    private readonly IMessageSender _transport;
    private readonly string _positionFile;
    private readonly string _maybeSeenFile;
    private readonly Action<string, string, string, string?> _report;

    public OwnerNotices(IMessageSender transport, string journalDirectory, Action<string, string, string, string?> report)
    {
        _transport = transport;
        _positionFile = Path.Combine(journalDirectory, "notices.position");
        _maybeSeenFile = Path.Combine(journalDirectory, "notices.maybe-seen");
        _report = report;
    }

    /// <summary>Sends what is new. False when a send failed (the rest waits for a later round).</summary>
    public async Task<bool> ForwardAsync(ServiceConversationPolicy policy, CancellationToken cancellationToken)
    {
        var operators = policy.Options.OperatorChats;
        if (operators.Count == 0)
        {
            return true;
        }

        var (position, uncertain) = await ReadPositionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var notice in policy.ReadNoticesAsync(position, cancellationToken).ConfigureAwait(false))
        {
            var maybeSeen = notice.Sequence == uncertain;
            var anySent = false;
            foreach (var entry in operators)
            {
                var owner = await policy.Resolver.ResolveAsync(entry, cancellationToken).ConfigureAwait(false);
                if (!owner.IsResolved)
                {
                    continue;
                }

                var messages = notice.Format(policy.Options.OperatorCommand, policy.GetChatName(notice.Chat));
                for (var i = 0; i < messages.Count; i++)
                {
                    var text = maybeSeen && i == 0 ? MayRepeat + "\n" + messages[i] : messages[i];
                    var sent = await SendAsync(owner.Chat, text, cancellationToken).ConfigureAwait(false);
                    if (sent.Outcome == SendOutcome.Delivered)
                    {
                        anySent = true;
                        continue;
                    }

                    // Not delivered as a whole: offered again later, marked when the owner may have part of it already.
                    _report("notice", owner.Chat.ToString(), sent.Outcome.ToCode(), sent.Error);
                    if (anySent || sent.Outcome != SendOutcome.Failed || maybeSeen)
                    {
                        await WritePositionAsync(position, notice.Sequence, cancellationToken).ConfigureAwait(false);
                    }

                    return false;
                }
            }

            _report("notice", notice.Chat.ToString(), notice.KindCode, notice.Handle);
            position = notice.Sequence;
            uncertain = 0;
            await WritePositionAsync(position, 0, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Sends one of the gateway's own messages (no permit) and reports what happened; a transport that throws is
    /// <see cref="SendOutcome.Unknown"/> with the exception's type (it may have sent).
    /// </summary>
    public async Task<SendReport> SendAsync(Identity.ChatId chat, string text, CancellationToken cancellationToken)
    {
        try
        {
            return await _transport.SendTextAsync(new OutgoingMessage(chat, text), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return SendReport.Unknown($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<(long Position, long Uncertain)> ReadPositionAsync(CancellationToken cancellationToken)
        => (await ReadNumberAsync(_positionFile, cancellationToken).ConfigureAwait(false), await ReadNumberAsync(_maybeSeenFile, cancellationToken).ConfigureAwait(false));

    private static async Task<long> ReadNumberAsync(string path, CancellationToken cancellationToken)
        => File.Exists(path) && long.TryParse((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    // The notice that may have reached the owner is written first: a crash between the two files re-offers it marked.
    private async Task WritePositionAsync(long position, long uncertain, CancellationToken cancellationToken)
    {
        if (uncertain != 0)
        {
            await File.WriteAllTextAsync(_maybeSeenFile, uncertain.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(_positionFile, position.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        if (uncertain == 0 && File.Exists(_maybeSeenFile))
        {
            File.Delete(_maybeSeenFile);
        }
    }
}
