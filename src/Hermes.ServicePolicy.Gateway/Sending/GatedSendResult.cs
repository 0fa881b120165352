using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;

namespace Hermes.ServicePolicy.Gateway.Sending;

/// <summary>What a gated send did: the policy's decision and, for a permit, the transport's outcome as reported back.</summary>
/// <param name="Decision">The policy's decision (a permit, a draft or a denial).</param>
/// <param name="Report">What was reported for a permit: delivered, failed or unknown; null when nothing was sent.</param>
/// <param name="Confirmation">The policy's answer to the report (not ok only if the policy failed closed); for a permit
/// that was refused before any network call (<see cref="Refused"/>), <see cref="ReasonCode.UnknownSend"/>.</param>
public sealed record GatedSendResult(OutboundDecision Decision, SendReport? Report, OperatorResult? Confirmation)
{
    /// <summary>Gets whether the message went out (the transport accepted it).</summary>
    public bool Delivered => Report is { Outcome: SendOutcome.Delivered };

    /// <summary>Gets whether a permit was refused before anything was sent: given twice, not issued by this policy, or closed already.</summary>
    public bool Refused => Decision.IsPermitted && Report is null;
}

/// <summary>A send the policy decided on: its decision now, and what the transport did once the permit's turn came.</summary>
/// <param name="Decision">The policy's decision (a permit, a draft or a denial), known when <see cref="GatedSender.ScheduleAsync"/> returns.</param>
/// <param name="Completion">
/// Completes when a permit was sent and reported (at or after its <see cref="OutboundDecision.NotBefore"/>, after the
/// chat's earlier sends), at once for anything else. It faults only as <see cref="GatedSender.TransportAsync"/> would
/// (cancelled while waiting: the permit was reported failed first).
/// </param>
public sealed record ScheduledSend(OutboundDecision Decision, Task<GatedSendResult> Completion);

