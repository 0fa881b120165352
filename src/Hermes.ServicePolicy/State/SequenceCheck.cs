using System;
using System.Collections.Generic;

namespace Hermes.ServicePolicy.State;

/// <summary>The one rule every store enforces on an append: the batch continues the log exactly where it was decided.</summary>
internal static class SequenceCheck
{
    public static void Contiguous(IReadOnlyList<PolicyEvent> events, long expectedPosition)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Sequence != expectedPosition + 1 + i)
            {
                throw new ArgumentException($"Events must continue the log in sequence: expected {expectedPosition + 1 + i}, got {events[i].Sequence}.", nameof(events));
            }
        }
    }
}
