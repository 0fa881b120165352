using System;

namespace Hermes.ServicePolicy.Engine;

/// <summary>What the unit of work reads from an answer: the failure behind it, and whether it said "not found".</summary>
internal interface IPolicyResult
{
    /// <summary>Gets the failure behind a fail-closed answer (a <see cref="State.StateConflictException"/> when another process won a race).</summary>
    Exception? Error { get; }

    /// <summary>Gets whether the answer is "unknown draft" or "unknown send": with a shared store, another process may have written it.</summary>
    bool IsNotFound { get; }
}
