using System.Collections.Generic;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Tests;

/// <summary>Test shorthands over the store contract.</summary>
internal static class StateStoreTestExtensions
{
    /// <summary>Appends events that carry their own sequences after the head, and makes them durable (writing logs by hand).</summary>
    public static async Task AppendAsync(this IServiceStateStore store, IReadOnlyList<PolicyEvent> events)
    {
        var result = await store.AppendAsync(events[0].Sequence - 1, events);
        if (!result.IsAppended)
        {
            throw new StateConflictException(events[0].Sequence - 1, result.Head);
        }

        await store.SyncAsync(result.Head);
    }

    /// <summary>Every event the store holds, oldest first.</summary>
    public static async Task<List<PolicyEvent>> ReadAllAsync(this IServiceStateStore store)
    {
        var events = new List<PolicyEvent>();
        await foreach (var e in store.ReadAsync(0))
        {
            events.Add(e);
        }

        return events;
    }
}
