using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// The default <see cref="IChatTargetResolver"/>: addresses first (<see cref="ChatAddress"/>), then an exact name
/// lookup over the host's recent chats and the policy's known service chats. A name matches after NFKC, case
/// folding, whitespace collapsing and removal of invisible characters. Two matching chats are ambiguous; so is a
/// chat whose name only looks like the query (homoglyphs across Latin, Cyrillic and Greek), and so is an exact
/// match when another chat's name looks like it. No substring or prefix matching, ever.
/// </summary>
public sealed class ChatTargetResolver : IChatTargetResolver
{
    private readonly ChatDirectory? _directory;
    private readonly IKnownChatSource? _known;

    /// <summary>Creates a resolver that looks names up in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where names are looked up; <see langword="null"/> resolves addresses only.</param>
    /// <param name="known">Maps a linked LID to its phone JID in results; usually the policy.</param>
    public ChatTargetResolver(ChatDirectory? directory, IKnownChatSource? known = null)
    {
        _directory = directory;
        _known = known;
    }

    /// <inheritdoc />
    public async ValueTask<TargetResolution> ResolveAsync(string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (ChatAddress.Parse(target) is { } address)
        {
            return address.IsResolved && _known is not null
                ? TargetResolution.Resolved(_known.GetPrimary(address.Chat))
                : address;
        }

        if (_directory is null)
        {
            return TargetResolution.NotFound();
        }

        var queryKey = UnicodeText.NameKey(target);
        if (queryKey.Length == 0)
        {
            return TargetResolution.Invalid(TargetError.Empty);
        }

        var querySkeleton = Confusables.Skeleton(queryKey);
        var chats = await _directory.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var candidates = new List<ChatId>();
        var exact = 0;
        foreach (var chat in chats)
        {
            if (chat.Name.Length == 0)
            {
                continue;
            }

            var key = UnicodeText.NameKey(chat.Name);
            if (string.Equals(key, queryKey, StringComparison.Ordinal))
            {
                exact++;
                candidates.Add(chat.Chat);
            }
            else if (string.Equals(Confusables.Skeleton(key), querySkeleton, StringComparison.Ordinal))
            {
                candidates.Add(chat.Chat); // a look-alike: never resolved, always listed
            }
        }

        return candidates.Count switch
        {
            0 => TargetResolution.NotFound(),
            1 when exact == 1 => TargetResolution.Resolved(candidates[0]),
            _ => TargetResolution.Ambiguous(candidates),
        };
    }
}
