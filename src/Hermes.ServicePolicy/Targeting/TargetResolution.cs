using System;
using System.Collections.Generic;
using System.Text;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>The four outcomes of resolving a target.</summary>
public enum TargetResolutionKind
{
    /// <summary>One chat; see <see cref="TargetResolution.Chat"/>.</summary>
    Resolved = 0,

    /// <summary>Two or more chats, or a look-alike name; see <see cref="TargetResolution.Candidates"/>. Never a guess.</summary>
    Ambiguous = 1,

    /// <summary>A name that matches no chat.</summary>
    NotFound = 2,

    /// <summary>Not a valid JID or phone number; see <see cref="TargetResolution.Error"/>.</summary>
    Invalid = 3,
}

/// <summary>The result of <see cref="IChatTargetResolver.ResolveAsync"/>.</summary>
public readonly struct TargetResolution
{
    private TargetResolution(TargetResolutionKind kind, ChatId chat, IReadOnlyList<ChatId>? candidates, TargetError error, ChatIdError jidError)
    {
        Kind = kind;
        Chat = chat;
        Candidates = candidates ?? [];
        Error = error;
        JidError = jidError;
    }

    /// <summary>Gets the outcome.</summary>
    public TargetResolutionKind Kind { get; }

    /// <summary>Gets the canonical chat when <see cref="Kind"/> is <see cref="TargetResolutionKind.Resolved"/> (a linked chat by its phone JID).</summary>
    public ChatId Chat { get; }

    /// <summary>Gets the candidates, canonical ids in listing order, when <see cref="Kind"/> is <see cref="TargetResolutionKind.Ambiguous"/>.</summary>
    public IReadOnlyList<ChatId> Candidates { get; }

    /// <summary>Gets why the target is invalid when <see cref="Kind"/> is <see cref="TargetResolutionKind.Invalid"/>.</summary>
    public TargetError Error { get; }

    /// <summary>Gets why a JID did not parse when <see cref="Error"/> is <see cref="TargetError.InvalidJid"/>.</summary>
    public ChatIdError JidError { get; }

    /// <summary>Gets whether the target resolved to exactly one chat.</summary>
    public bool IsResolved => Kind == TargetResolutionKind.Resolved;

    /// <summary>Gets the reason code a decision uses for this outcome (<see cref="ReasonCode.None"/> when resolved).</summary>
    public ReasonCode Reason => Kind switch
    {
        TargetResolutionKind.Resolved => ReasonCode.None,
        TargetResolutionKind.Ambiguous => ReasonCode.AmbiguousTarget,
        TargetResolutionKind.NotFound => ReasonCode.TargetNotFound,
        _ => ReasonCode.InvalidTarget,
    };

    /// <summary>A resolved target.</summary>
    public static TargetResolution Resolved(ChatId chat) => new(TargetResolutionKind.Resolved, chat, null, TargetError.None, ChatIdError.None);

    /// <summary>An ambiguous target.</summary>
    public static TargetResolution Ambiguous(IReadOnlyList<ChatId> candidates) => new(TargetResolutionKind.Ambiguous, default, candidates, TargetError.None, ChatIdError.None);

    /// <summary>A name that matched nothing.</summary>
    public static TargetResolution NotFound() => new(TargetResolutionKind.NotFound, default, null, TargetError.None, ChatIdError.None);

    /// <summary>An invalid target.</summary>
    public static TargetResolution Invalid(TargetError error, ChatIdError jidError = ChatIdError.None) => new(TargetResolutionKind.Invalid, default, null, error, jidError);

    /// <summary>Explains the outcome in a sentence a person can read.</summary>
    public string Explain()
    {
        switch (Kind)
        {
            case TargetResolutionKind.Resolved:
                return $"resolved to {Chat}";
            case TargetResolutionKind.NotFound:
                return "no recent or service chat has that name (names match exactly, never by prefix)";
            case TargetResolutionKind.Invalid:
                return Error == TargetError.InvalidJid && JidError != ChatIdError.None
                    ? $"invalid target: {JidError.Describe()}"
                    : $"invalid target: {Error.Describe()}";
            default:
                var builder = new StringBuilder("ambiguous target, pick one of: ");
                for (var i = 0; i < Candidates.Count; i++)
                {
                    builder.Append(i == 0 ? string.Empty : ", ").Append(Candidates[i].ToString());
                }

                return builder.ToString();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Explain();
}
