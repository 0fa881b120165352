using System.Collections.Generic;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Commands;

/// <summary>
/// What an operator message did: whether it was a command, the reply for the owner (plain text, at most 4,000
/// characters), and the sends it caused (an approval's permit), which the host transports and confirms like any send.
/// </summary>
public sealed class OperatorCommandResult
{
    internal OperatorCommandResult(bool isCommand, string command, ReasonCode reason, string reply, IReadOnlyList<OutboundDecision> sends)
    {
        IsCommand = isCommand;
        Command = command;
        Reason = reason;
        Reply = reply;
        Sends = sends;
    }

    /// <summary>Gets whether the text was an operator command (else it is the owner's ordinary message: route it to the agent).</summary>
    public bool IsCommand { get; }

    /// <summary>Gets the sub-command word (<c>approve</c>, <c>status</c>, …), or <c>help</c> for the help text.</summary>
    public string Command { get; }

    /// <summary>Gets whether the command did what it said.</summary>
    public bool Ok => Reason == ReasonCode.None;

    /// <summary>Gets why it did not; <see cref="ReasonCode.InvalidCommand"/> for an unknown command or bad arguments.</summary>
    public ReasonCode Reason { get; }

    /// <summary>Gets the reply to send to the operator chat; empty when the text was not a command.</summary>
    public string Reply { get; }

    /// <summary>Gets the permits the command issued: send each exactly once, then report it with <c>ConfirmSendAsync</c>.</summary>
    public IReadOnlyList<OutboundDecision> Sends { get; }
}
