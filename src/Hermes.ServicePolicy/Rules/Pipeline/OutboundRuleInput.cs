using System;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Rules;

/// <summary>Which decision runs the outbound checks.</summary>
internal enum OutboundDecisionKind
{
    /// <summary>A send the agent or the operator asked for (<c>DecideOutboundAsync</c>).</summary>
    Send,

    /// <summary>An owner approving a draft (<c>ApproveDraftAsync</c>): the chain is re-checked at that moment.</summary>
    Approval,
}

/// <summary>
/// The input of every outbound rule: the chat as the policy knows it, what is asked, the configuration and the time of
/// the decision (the clock is read once, before the pipeline runs). A value passed by reference: running the pipeline
/// allocates nothing.
/// </summary>
internal readonly struct OutboundRuleInput
{
    public OutboundRuleInput(StateProjection state, ChatId chat, in ChatView view, PolicyConfiguration configuration, DateTimeOffset now, OutboundDecisionKind kind, Initiator initiator, string text, bool hasMedia, bool isFirstContact, bool leaves = false)
    {
        Leaves = leaves;
        State = state;
        Chat = chat;
        View = view;
        Configuration = configuration;
        Now = now;
        Kind = kind;
        Initiator = initiator;
        Text = text;
        TextFingerprint = FingerprintOf(initiator, text, configuration);
        HasMedia = hasMedia;
        IsFirstContact = isFirstContact;
    }

    /// <summary>Gets the state the view was read from (aliases, records), for rules that look further than the chat.</summary>
    public StateProjection State { get; }

    /// <summary>Gets the chat as the request named it (its kind is checked before anything about its record).</summary>
    public ChatId Chat { get; }

    public ChatView View { get; }

    public PolicyConfiguration Configuration { get; }

    /// <summary>Gets the decision's time: the only clock reading it uses.</summary>
    public DateTimeOffset Now { get; }

    public OutboundDecisionKind Kind { get; }

    public Initiator Initiator { get; }

    /// <summary>Gets the exact text that would leave (the request's, or the draft's for an approval).</summary>
    public string Text { get; }

    /// <summary>
    /// Gets the fingerprint of <see cref="Text"/> the duplicate guard compares (taken once per decision, and only for
    /// the agent while the guard is on; 0 otherwise).
    /// </summary>
    public ulong TextFingerprint { get; }

    public bool HasMedia { get; }

    /// <summary>Gets whether this is a first contact: a send to a chat that is not a service chat, or a first-contact draft.</summary>
    public bool IsFirstContact { get; }

    /// <summary>
    /// Gets whether a message is about to leave (a permit or an approval), as opposed to a draft being made; the mode step
    /// decides it, so it is known to the rules after that step (<see cref="OutboundPipeline.AfterModeRules"/>).
    /// </summary>
    public bool Leaves { get; private init; }

    /// <summary>
    /// Gets whether this is the agent's own send about to leave: what the pacing rules (spacing, the daily cap,
    /// duplicates) and the owner's takeover judge. Approvals are the owner's and drafts wait for one.
    /// </summary>
    public bool IsAgentSendLeaving => Leaves && Kind == OutboundDecisionKind.Send && Initiator == Initiator.Agent;

    /// <summary>The fingerprint the duplicate guard compares for a send of <paramref name="text"/>: 0 when the guard does not judge it.</summary>
    public static ulong FingerprintOf(Initiator initiator, string text, PolicyConfiguration configuration)
        => initiator == Initiator.Agent && configuration.DuplicateWindow > TimeSpan.Zero ? SentTextFingerprint.Of(text) : 0;

    /// <summary>The same check once the mode step chose a draft (<paramref name="leaves"/> false) or a message about to leave.</summary>
    public OutboundRuleInput AfterMode(bool leaves) => this with { Leaves = leaves };
}
