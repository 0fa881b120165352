using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Policy;

public sealed partial class ServiceConversationPolicy
{
    /// <inheritdoc />
    public ChatStatus GetStatus(ChatId chat)
    {
        var view = _state.View(chat, Volatile.Read(ref _configuration));
        _state.Aliases.TryGetAlias(view.Primary, out var alias);
        return new ChatStatus(view.Primary, _state.StatusOf(view, _time.GetUtcNow()), view.IsService ? view.Session : null, alias);
    }

    /// <inheritdoc />
    ServiceChatStatus IKnownChatSource.GetStatus(ChatId chat) => GetStatus(chat).Status;

    /// <inheritdoc />
    public IReadOnlyList<KnownChat> GetKnownChats() => _state.KnownChats(Volatile.Read(ref _configuration), _time.GetUtcNow());

    /// <inheritdoc />
    public ChatId GetPrimary(ChatId chat) => _state.PrimaryOf(chat);

    /// <inheritdoc />
    public void ObserveName(ChatId chat, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _state.Names[_state.PrimaryOf(chat)] = name;
    }

    /// <inheritdoc />
    public IReadOnlyList<DraftInfo> GetPendingDrafts()
    {
        var pending = _state.PendingDrafts(_time.GetUtcNow());
        var infos = new List<DraftInfo>(pending.Count);
        foreach (var d in pending)
        {
            infos.Add(new DraftInfo(d.Id, _state.PrimaryOf(d.Chat), d.Text, d.IsFirstContact, d.Initiator, d.Session, d.HasMedia, d.CreatedAt, d.ExpiresAt) { Handle = d.Handle });
        }

        return infos;
    }

    /// <inheritdoc />
    public long HistoryPosition => _journal.Position;

    /// <inheritdoc />
    public async IAsyncEnumerable<PolicyEvent> ReadHistoryAsync(HistoryQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new HistoryQuery();
        ChatId chat = default, alias = default;
        if (query.Chat is { } asked)
        {
            chat = _state.PrimaryOf(asked);
            _state.Aliases.TryGetAlias(chat, out alias);
        }

        await foreach (var e in _store.ReadAsync(query.AfterSequence, cancellationToken).ConfigureAwait(false))
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

    // An event concerns a chat when it names the chat or its alias (an alias_linked event names both).
    private static bool Concerns(PolicyEvent e, ChatId chat, ChatId alias)
        => e.Chat == chat || e.Alias == chat || (!alias.IsEmpty && (e.Chat == alias || e.Alias == alias));

    private static readonly IReadOnlySet<PolicyEventType> NoticeTypes = new HashSet<PolicyEventType>
    {
        PolicyEventType.FirstContactDrafted, PolicyEventType.DraftCreated, PolicyEventType.FirstContactExpired,
        PolicyEventType.DraftExpired, PolicyEventType.SendFailed, PolicyEventType.SendUnknown,
    };

    /// <inheritdoc />
    public async IAsyncEnumerable<Notices.OperatorNotice> ReadNoticesAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in ReadHistoryAsync(new HistoryQuery { AfterSequence = afterSequence, Types = NoticeTypes }, cancellationToken).ConfigureAwait(false))
        {
            if (Notices.OperatorNotice.From(e) is { } notice)
            {
                yield return notice;
            }
        }
    }

    /// <summary>Gets a chat's last known display name, if any (as the host's transport reported it).</summary>
    public string? GetChatName(ChatId chat) => _state.NameOf(_state.PrimaryOf(chat));
}
