namespace Hermes.ServicePolicy;

/// <summary>
/// The <c>outbound</c> key: a structural switch over every send, independent of modes and approvals. Configuration
/// spells it <c>normal</c> or <c>never</c>.
/// </summary>
public enum OutboundSwitch
{
    /// <summary><c>normal</c>: sends are decided by the chat's mode, the rules and the limits.</summary>
    Normal = 0,

    /// <summary>
    /// <c>never</c>: every decision that would let a message leave (an agent's or the operator's send, a first contact,
    /// an approval of a draft) is denied <c>outbound_disabled</c>. Drafts are still created and expire as usual, inbound
    /// messages are decided as usual, and operator commands that read or change state still work.
    /// </summary>
    Never = 1,
}
