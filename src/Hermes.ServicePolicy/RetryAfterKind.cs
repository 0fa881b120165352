namespace Hermes.ServicePolicy;

/// <summary>Whether, and when, a denial with a reason code can pass by waiting (<see cref="Policy.OutboundDecision.RetryAfter"/>).</summary>
public enum RetryAfterKind
{
    /// <summary>Waiting alone does not help: an operator, the configuration or another request must change something.</summary>
    None = 0,

    /// <summary>A limit that time frees: the denial carries <c>retry_after</c>, when the oldest counted send leaves its window.</summary>
    WhenTheWindowFrees = 1,

    /// <summary>A hold that ends at a known time (the owner's takeover of a chat): the denial carries <c>retry_after</c>, when it ends.</summary>
    WhenTheHoldEnds = 2,
}
