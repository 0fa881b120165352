using System;
using System.Collections.Frozen;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Targeting;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// A validated configuration compiled for the hot path: an immutable snapshot that the policy swaps atomically on
/// reload, so a decision always sees one whole configuration.
/// </summary>
internal sealed class PolicyConfiguration
{
    private readonly FrozenSet<ChatId> _approvedChats;
    private readonly int _approvedChatCount; // read on every reply of a chat without a record: a frozen set's Count is a virtual call
    private readonly PhonePatternSet _patterns;
    private readonly CommandPrefixMatcher _commandPrefixes;
    private readonly FrozenSet<ChatId> _operatorChats;

    // The visible ASCII characters that can start a text delivered as plain text (a command prefix's or the operator
    // command word's first), as 128 bits held inline: most texts start with a letter and are answered here, without
    // reaching either matcher. Not used (_plainStartsKnown false) when a prefix starts outside ASCII.
    private readonly ulong _plainStartsLow;
    private readonly ulong _plainStartsHigh;
    private readonly bool _plainStartsKnown;

    public PolicyConfiguration(ServiceConversationOptions options, FrozenSet<ChatId> approvedChats, PhonePatternSet patterns, string[] commandPrefixes, NationalNumbering? national = null, FrozenSet<ChatId>? operatorChats = null)
    {
        _operatorChats = operatorChats ?? FrozenSet<ChatId>.Empty;
        OperatorCommand = new OperatorCommandMatcher(options.OperatorCommand);
        National = national;
        Options = options;
        _approvedChats = approvedChats;
        _approvedChatCount = approvedChats.Count;
        _patterns = patterns;
        _commandPrefixes = new CommandPrefixMatcher(commandPrefixes);
        _plainStartsKnown = _commandPrefixes.TryGetAsciiStarts(out _plainStartsLow, out _plainStartsHigh);
        if (OperatorCommand.First is > ' ' and < '\u007F' and var first)
        {
            // A word that starts outside ASCII never starts a text whose first character is visible ASCII: no bit.
            (first < 64 ? ref _plainStartsLow : ref _plainStartsHigh) |= 1UL << (first & 63);
        }
        Enabled = options.Enabled;
        DefaultMode = options.DefaultMode;
        AllowMedia = options.AllowMedia;
        OutboundNever = options.Outbound == OutboundSwitch.Never;
        OwnerTakeover = TimeSpan.FromMinutes(options.OwnerTakeoverMinutes);
        MaxPendingDrafts = options.MaxPendingDrafts;
        AgentSendGap = TimeSpan.FromSeconds(options.MinSecondsBetweenAgentSends);
        SendJitterSeconds = options.SendJitterSeconds;
        MaxAgentSendsPerDay = options.MaxAgentSendsPerDay;
        DuplicateWindow = TimeSpan.FromMinutes(options.DuplicateSendMinutes);
        MaxPendingDraftsPerChat = options.MaxPendingDraftsPerChat;
        AllowAgentInitiated = options.AllowAgentInitiatedServiceChats;
        AutoPromote = options.AutoPromoteRepliedToChats;
        RequireFirstContactApproval = options.RequireExplicitApprovalForFirstContact;
        MaxNewChatsPerDay = options.MaxNewServiceChatsPerDay;
        MaxAutoSendsPerHour = options.MaxAutoSendsPerChatPerHour;
        MaxConsecutiveSends = options.MaxConsecutiveAgentSendsWithoutReply;
        DraftTtl = TimeSpan.FromMinutes(options.PendingDraftTtlMinutes);
        SendConfirmation = TimeSpan.FromMinutes(options.SendConfirmationMinutes);
        AuditRetention = options.AuditRetentionDays == 0 ? null : TimeSpan.FromDays(options.AuditRetentionDays);
    }

    public ServiceConversationOptions Options { get; }

    /// <summary>How national numbers are read (<c>default_region</c>), or null when they are invalid.</summary>
    public NationalNumbering? National { get; }

    public bool Enabled { get; }

    public ServiceChatMode DefaultMode { get; }

    public bool AllowMedia { get; }

    /// <summary><c>outbound: never</c>: no message leaves (<see cref="OutboundSwitch.Never"/>).</summary>
    public bool OutboundNever { get; }

    /// <summary>How long an <c>owner_message</c> holds the chat for the owner (<c>owner_takeover_minutes</c>); zero: never.</summary>
    public TimeSpan OwnerTakeover { get; }

    public int MaxPendingDrafts { get; }

    /// <summary>The least time between two agent-initiated sends in one chat (<c>min_seconds_between_agent_sends</c>); zero: off.</summary>
    public TimeSpan AgentSendGap { get; }

    /// <summary>The most a permit's <c>not_before</c> lies ahead (<c>send_jitter_seconds</c>); zero: off.</summary>
    public int SendJitterSeconds { get; }

    /// <summary>Agent-initiated permits across all chats in a rolling 24 hours (<c>max_agent_sends_per_day</c>); zero: no cap.</summary>
    public int MaxAgentSendsPerDay { get; }

    /// <summary>How long a text permitted to a chat blocks the same text again (<c>duplicate_send_minutes</c>); zero: off.</summary>
    public TimeSpan DuplicateWindow { get; }

    /// <summary>Gets whether any rule reads the agent's past sends, so they are kept (docs/behaviour.md#agent-pacing).</summary>
    public bool TracksAgentSends => AgentSendGap > TimeSpan.Zero || MaxAgentSendsPerDay > 0 || DuplicateWindow > TimeSpan.Zero;

    public int MaxPendingDraftsPerChat { get; }

    public bool AllowAgentInitiated { get; }

    public bool AutoPromote { get; }

    public bool RequireFirstContactApproval { get; }

    public int MaxNewChatsPerDay { get; }

    public int MaxAutoSendsPerHour { get; }

    public int MaxConsecutiveSends { get; }

    public TimeSpan DraftTtl { get; }

    public TimeSpan SendConfirmation { get; }

    /// <summary>How long history stays readable; null keeps it all.</summary>
    public TimeSpan? AuditRetention { get; }

    public int ApprovedChatCount => _approvedChatCount;

    /// <summary>The owner's chats (<c>operator_chats</c>), as configured.</summary>
    public FrozenSet<ChatId> OperatorChats => _operatorChats;

    /// <summary>Recognises <c>operator_command</c> at the start of a text.</summary>
    public OperatorCommandMatcher OperatorCommand { get; }

    /// <summary>Whether the chat (by itself or by its linked alias) is one of <c>operator_chats</c>.</summary>
    public bool IsOperator(ChatId chat, ChatId alias)
        => _operatorChats.Count > 0 && (_operatorChats.Contains(chat) || (!alias.IsEmpty && _operatorChats.Contains(alias)));

    public int PatternCount => _patterns.Count;

    /// <summary>Whether configuration approves the chat (by itself or by its linked alias). Each identity: one set lookup, plus one table probe per pattern length for a phone.</summary>
    public bool IsConfigured(ChatId chat, ChatId alias) => IsConfigured(chat) || (!alias.IsEmpty && IsConfigured(alias));

    /// <summary>Whether configuration approves this one identity: listed in <c>approved_chats</c>, or a phone matched by a pattern.</summary>
    public bool IsConfigured(ChatId chat)
        => (_approvedChatCount > 0 && _approvedChats.Contains(chat)) || (_patterns.Count > 0 && _patterns.Matches(chat.PhoneNumber));

    /// <summary>Whether the text starts with a command prefix, after invisible characters, also in its NFKC form.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsCommand(ReadOnlySpan<char> text) => _commandPrefixes.Matches(text);

    /// <summary>Whether a service chat's text must be delivered as plain text: a command prefix, or the operator command word.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsPlainTextOnly(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        var first = text[0];
        if (_plainStartsKnown && first is > ' ' and < '\u007F' && (((first < 64 ? _plainStartsLow : _plainStartsHigh) >> first) & 1) == 0)
        {
            return false; // a visible ASCII character that starts neither a prefix nor the word
        }

        return _commandPrefixes.Matches(text) || OperatorCommand.StartsWith(text);
    }
}
