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
/// lookup over the host's recent chats and the policy's known service chats. A name matches its whole sanitised form
/// after removal of invisible characters, NFC, case folding and whitespace collapsing. Two matching chats are
/// ambiguous; so is a chat whose name only looks like the query (Unicode's confusables, UTS #39, every script), and
/// so is an exact match when another chat's name looks like it. No substring or prefix matching, ever. The answers
/// do not depend on ICU: they are the same under <c>InvariantGlobalization</c>.
/// </summary>
public sealed class ChatTargetResolver : IChatTargetResolver
{
    private readonly ChatDirectory? _directory;
    private readonly IKnownChatSource? _known;
    private readonly Func<NationalNumbering?> _national;

    /// <summary>Creates a resolver that looks names up in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where names are looked up; <see langword="null"/> resolves addresses only.</param>
    /// <param name="known">Maps a linked LID to its phone JID in results; usually the policy.</param>
    public ChatTargetResolver(ChatDirectory? directory, IKnownChatSource? known = null)
        : this(directory, known, static () => null)
    {
    }

    /// <summary>Creates a resolver that also reads national numbers of <paramref name="defaultRegion"/> (docs/targeting.md#national-numbers).</summary>
    /// <param name="directory">Where names are looked up; <see langword="null"/> resolves addresses only.</param>
    /// <param name="known">Maps a linked LID to its phone JID in results; usually the policy.</param>
    /// <param name="nationalNumbers">Reads national numbers (the <c>Hermes.ServicePolicy.PhoneNumbers</c> package).</param>
    /// <param name="defaultRegion">A two-letter ISO 3166 region the parser knows, for example <c>ES</c>.</param>
    /// <exception cref="ArgumentException">The parser does not know <paramref name="defaultRegion"/>.</exception>
    public ChatTargetResolver(ChatDirectory? directory, IKnownChatSource? known, INationalNumberParser nationalNumbers, string defaultRegion)
        : this(directory, known, NationalOf(nationalNumbers, defaultRegion))
    {
    }

    // The policy's resolver reads the region of the configuration in force, so a reload changes it atomically.
    internal ChatTargetResolver(ChatDirectory? directory, IKnownChatSource? known, Func<NationalNumbering?> national)
    {
        _directory = directory;
        _known = known;
        _national = national;
    }

    private static Func<NationalNumbering?> NationalOf(INationalNumberParser parser, string region)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(region);
        if (!parser.IsKnownRegion(region))
        {
            throw new ArgumentException($"{parser.Name} does not know the region '{region}'.", nameof(region));
        }

        var national = new NationalNumbering(parser, region);
        return () => national;
    }

    /// <inheritdoc />
    public async ValueTask<TargetResolution> ResolveAsync(string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (ChatAddress.Parse(target, _national()) is { } address)
        {
            return address.IsResolved && _known is not null
                ? TargetResolution.Resolved(_known.GetPrimary(address.Chat))
                : address;
        }

        if (_directory is null)
        {
            return TargetResolution.NotFound();
        }

        var queryName = UnicodeText.SanitizeName(target);
        var queryKey = UnicodeText.Fold(queryName);
        if (queryKey.Length == 0)
        {
            return TargetResolution.Invalid(TargetError.Empty);
        }

        // Look-alikes are caught on the text as written (capital Greek 'Ε' is a Latin 'E', its small form is not an
        // 'e') and on the folded text (digit '0' for 'o').
        var querySkeleton = Confusables.Skeleton(queryName);
        var queryFoldedSkeleton = Confusables.FoldedSkeleton(queryKey);
        var chats = await _directory.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var candidates = new List<ChatId>();
        var exact = 0;
        foreach (var chat in chats)
        {
            if (chat.MatchName.Length == 0)
            {
                continue;
            }

            var key = UnicodeText.Fold(chat.MatchName);
            if (string.Equals(key, queryKey, StringComparison.Ordinal))
            {
                exact++;
                candidates.Add(chat.Chat);
            }
            else if (string.Equals(Confusables.Skeleton(chat.MatchName), querySkeleton, StringComparison.Ordinal)
                || string.Equals(Confusables.FoldedSkeleton(key), queryFoldedSkeleton, StringComparison.Ordinal))
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
