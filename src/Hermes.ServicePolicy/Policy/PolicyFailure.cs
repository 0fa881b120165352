using System;

namespace Hermes.ServicePolicy.Policy;

/// <summary>A failure the policy answered by failing closed, reported to the host so it is never swallowed.</summary>
/// <param name="Operation">What the policy was doing (<c>store_append</c>, <c>audit_sink</c>, <c>clock</c>, …).</param>
/// <param name="Exception">What failed.</param>
public sealed record PolicyFailure(string Operation, Exception Exception);
