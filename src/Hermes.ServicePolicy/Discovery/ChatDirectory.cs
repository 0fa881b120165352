using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Discovery;

/// <summary>
/// Lists recent chats safely (acceptance criterion 1): metadata only; groups, broadcasts and newsletters left out
/// unless asked for; most recent activity first, ties by canonical id; display names sanitised and cut to 64
/// characters (name lookup matches the whole sanitised name). Known service chats and chats blocked in the last 7 days are listed even when the host's source
/// does not include them, with the time of their last event as activity.
/// </summary>
public sealed class ChatDirectory : IChatDirectory
{
    /// <summary>The default number of chats a listing returns.</summary>
    public const int DefaultLimit = IChatDirectory.DefaultLimit;

    /// <summary>The most chats a listing returns; larger limits are clamped to it.</summary>
    public const int MaxLimit = 200;

    /// <summary>The longest display name a listing shows.</summary>
    public const int MaxNameLength = 64;

    private readonly IRecentChatSource _source;
    private readonly IKnownChatSource? _known;

    /// <summary>Creates a directory over the host's recent chats and, optionally, the policy's known chats.</summary>
    public ChatDirectory(IRecentChatSource source, IKnownChatSource? known = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _known = known;
    }

    /// <summary>Lists recent chats.</summary>
    /// <param name="limit">How many; clamped to 1–200.</param>
    /// <param name="includeGroups">Whether groups, broadcasts and newsletters are listed too.</param>
    /// <param name="cancellationToken">Cancels the wait for the host's source.</param>
    public async ValueTask<IReadOnlyList<ChatListing>> ListAsync(int limit = DefaultLimit, bool includeGroups = false, CancellationToken cancellationToken = default)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var all = await ListAllAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ChatListing>(Math.Min(limit, all.Count));
        foreach (var entry in all)
        {
            if (result.Count == limit)
            {
                break;
            }

            if (includeGroups || entry.Kind is ChatKind.Phone or ChatKind.Lid)
            {
                result.Add(entry);
            }
        }

        return result;
    }

    /// <summary>Every chat the host supplied or the policy knows, all kinds, in listing order. Name lookup searches this.</summary>
    internal async ValueTask<List<ChatListing>> ListAllAsync(CancellationToken cancellationToken)
    {
        var recent = await _source.GetRecentChatsAsync(MaxLimit, cancellationToken).ConfigureAwait(false);
        var byChat = new Dictionary<ChatId, ChatListing>();
        foreach (var entry in recent)
        {
            if (entry is null || !ChatId.TryParse(entry.ChatId, out var chat))
            {
                continue; // entries that do not parse are skipped, never guessed at
            }

            var primary = _known?.GetPrimary(chat) ?? chat;
            var fullName = UnicodeText.SanitizeName(entry.Name);
            DateTimeOffset? activity = entry.LastMessageTimestamp is { } seconds and >= 0 and <= 253_402_300_799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            if (fullName.Length > 0 && _known is not null)
            {
                _known.ObserveName(primary, fullName);
            }

            var listing = new ChatListing(primary, UnicodeText.Cut(fullName, MaxNameLength), primary.Kind, activity, ServiceChatStatus.None, Math.Max(entry.UnreadCount, 0), entry.IsBusiness)
            {
                MatchName = fullName,
            };
            byChat[primary] = byChat.TryGetValue(primary, out var existing) ? Merge(existing, listing) : listing;
        }

        if (_known is not null)
        {
            foreach (var known in _known.GetKnownChats())
            {
                var fullName = UnicodeText.SanitizeName(known.Name);
                var name = UnicodeText.Cut(fullName, MaxNameLength);
                // The host's entry wins (it knows the real last message); the policy fills in what the host forgot.
                byChat[known.Chat] = byChat.TryGetValue(known.Chat, out var existing)
                    ? existing.Name.Length > 0
                        ? existing with { LastActivity = existing.LastActivity ?? known.LastActivity }
                        : existing with { Name = name, MatchName = fullName, LastActivity = existing.LastActivity ?? known.LastActivity }
                    : new ChatListing(known.Chat, name, known.Chat.Kind, known.LastActivity, ServiceChatStatus.None, 0, false) { MatchName = fullName };
            }
        }

        var all = new List<ChatListing>(byChat.Count);
        foreach (var listing in byChat.Values)
        {
            all.Add(_known is null ? listing : listing with { Status = _known.GetStatus(listing.Chat) });
        }

        all.Sort(CompareListingOrder);
        return all;
    }

    // The same chat twice in the host's list (two spellings or aliases): latest activity, first non-empty name.
    private static ChatListing Merge(ChatListing first, ChatListing second) => first with
    {
        Name = first.Name.Length > 0 ? first.Name : second.Name,
        MatchName = first.Name.Length > 0 ? first.MatchName : second.MatchName,
        LastActivity = Nullable.Compare(first.LastActivity, second.LastActivity) >= 0 ? first.LastActivity : second.LastActivity,
        UnreadCount = Math.Max(first.UnreadCount, second.UnreadCount),
        IsBusiness = first.IsBusiness || second.IsBusiness,
    };

    /// <summary>Most recent activity first (unknown activity last), ties by canonical id.</summary>
    internal static int CompareListingOrder(ChatListing x, ChatListing y)
    {
        var byActivity = Nullable.Compare(y.LastActivity, x.LastActivity);
        return byActivity != 0 ? byActivity : x.Chat.CompareTo(y.Chat);
    }
}
