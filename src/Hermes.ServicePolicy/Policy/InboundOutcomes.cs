namespace Hermes.ServicePolicy.Policy;

/// <summary>Names of <see cref="InboundOutcome"/> values.</summary>
public static class InboundOutcomes
{
    /// <summary>Gets the stable snake_case name (<c>delivered</c>, <c>blocked</c>, <c>operator</c>, <c>owner_message</c>, <c>ignored</c>), as metrics, logs and scenario files write it.</summary>
    public static string ToCode(this InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.Delivered => "delivered",
        InboundOutcome.Operator => "operator",
        InboundOutcome.OwnerMessage => "owner_message",
        InboundOutcome.Ignored => "ignored",
        _ => "blocked",
    };
}
