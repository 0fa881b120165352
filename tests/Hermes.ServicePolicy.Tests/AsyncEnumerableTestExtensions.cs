using System.Collections.Generic;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Tests;

/// <summary>Collects an async stream (net8.0 has no <c>System.Linq.AsyncEnumerable</c>).</summary>
internal static class AsyncEnumerableTestExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
