using System.Runtime.CompilerServices;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Engine;

/// <summary>What the policy knows of a chat at one moment, from one configuration snapshot: the input of every rule.</summary>
internal readonly struct ChatView
{
    private readonly ServiceChatMode _defaultMode;

    public ChatView(ChatId primary, ChatSlot? slot, ChatRecord? record, bool configured, ServiceChatMode defaultMode)
    {
        Primary = primary;
        Slot = slot;
        Record = record;
        Configured = configured;
        _defaultMode = defaultMode;
    }

    /// <summary>The chat's primary identity (its phone JID when one is linked).</summary>
    public ChatId Primary { get; }

    public ChatSlot? Slot { get; }

    public ChatRecord? Record { get; }

    /// <summary>Listed in <c>approved_chats</c> or matched by <c>approved_patterns</c> (and not revoked).</summary>
    public bool Configured { get; }

    public bool IsRevoked => Record is { Revoked: true };

    public bool IsService => !IsRevoked && (Record is { IsService: true } || Configured);

    public bool IsPaused => IsService && Record is { Paused: true };

    public ServiceChatMode Mode => Record?.Mode ?? _defaultMode;

    public string? Session => Record?.Session;

    /// <summary>
    /// The reason a chat's kind can never be a service chat (groups, broadcasts, newsletters, unreadable addresses), or
    /// <see cref="ReasonCode.None"/>: the first thing every decision asks of a chat, before any state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReasonCode KindReason(ChatId chat) => chat.Kind switch
    {
        ChatKind.Phone or ChatKind.Lid => ReasonCode.None,
        ChatKind.Group => ReasonCode.GroupChat,
        ChatKind.Broadcast or ChatKind.Newsletter => ReasonCode.BroadcastChat,
        _ => ReasonCode.InvalidChat,
    };
}
