using System;

namespace Hermes.ServicePolicy.PostgreSql;

/// <summary>Options of <see cref="PostgreSqlServiceStateStore"/>.</summary>
public sealed class PostgreSqlStateOptions
{
    /// <summary>Gets or sets the schema that holds the tables (default <c>hermes_service_policy</c>): a plain lower-case identifier.</summary>
    public string Schema { get; set; } = "hermes_service_policy";

    /// <summary>
    /// Gets or sets whether the store creates or migrates its tables when a policy opens it (default true). Hosts that run
    /// migrations themselves set false and call <see cref="PostgreSqlServiceStateStore.CreateSchemaAsync"/> in their own step.
    /// </summary>
    public bool MigrateAtStart { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a waiting reader goes without a notification before it checks the head itself (default 1 s):
    /// the bound on how far an inbound decision's local view may lag when a notification is lost (a reconnect).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal string Validated()
    {
        if (string.IsNullOrEmpty(Schema) || Schema.Length > 48 || !IsIdentifier(Schema))
        {
            throw new ArgumentException($"The schema name '{Schema}' is not a plain identifier (lower-case letters, digits and '_', starting with a letter, at most 48 characters).", nameof(Schema));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "The poll interval must be positive.");
        }

        return Schema;
    }

    private static bool IsIdentifier(string name)
    {
        if (name[0] is < 'a' or > 'z')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
