using System;
using System.Text;
using System.Text.Json;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.PostgreSql;

/// <summary>
/// An event as the <c>events</c> table's <c>jsonb</c> column holds it. PostgreSQL's text and <c>jsonb</c> cannot hold
/// U+0000, which a message text may carry (a provider's text the agent quotes, the owner's own words): such an event is
/// stored wrapped, its exact JSON in base64 under one key, so the append succeeds and the event reads back unchanged.
/// Every other event is stored as its plain JSON, queryable in SQL.
/// </summary>
internal static class PostgreSqlEventJson
{
    private const string WrappedKey = "hermes_event_json_base64";

    public static string ToStored(PolicyEvent e)
    {
        var json = e.ToJson();
        return json.Contains("\\u0000", StringComparison.Ordinal)
            ? $"{{\"{WrappedKey}\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(json))}\"}}"
            : json;
    }

    public static PolicyEvent FromStored(string stored)
    {
        if (!stored.StartsWith("{\"" + WrappedKey + "\"", StringComparison.Ordinal))
        {
            return PolicyEventJson.FromJson(stored); // an event's own keys never include the wrapper's
        }

        using var document = JsonDocument.Parse(stored);
        return PolicyEventJson.FromJson(Encoding.UTF8.GetString(Convert.FromBase64String(document.RootElement.GetProperty(WrappedKey).GetString()!)));
    }
}
