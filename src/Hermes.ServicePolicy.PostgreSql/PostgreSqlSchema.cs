using System;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace Hermes.ServicePolicy.PostgreSql;

/// <summary>
/// The tables, and the versioned, idempotent migration that creates them: taken under a transaction-scoped advisory lock,
/// so processes starting at once run it one after the other and the later ones find it done.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The schema version this package writes and reads.</summary>
    public const int Version = 1;

    public static string Channel(string schema) => schema + "_appended";

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var locked = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name))", connection, transaction))
        {
            locked.Parameters.AddWithValue("name", "hermes_service_policy:" + schema);
            await locked.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var current = await CurrentVersionAsync(connection, transaction, schema, cancellationToken).ConfigureAwait(false);
        if (current > Version)
        {
            throw new InvalidOperationException($"The schema '{schema}' is at version {current}, newer than this package understands ({Version}); upgrade Hermes.ServicePolicy.PostgreSql before opening it.");
        }

        if (current < 1)
        {
            await using var create = new NpgsqlCommand($"""
                CREATE SCHEMA IF NOT EXISTS {schema};
                CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer NOT NULL);
                CREATE TABLE IF NOT EXISTS {schema}.events (
                    seq bigint PRIMARY KEY,
                    time timestamptz NOT NULL,
                    type text NOT NULL,
                    chat text NULL,
                    actor text NULL,
                    reason text NULL,
                    event jsonb NOT NULL);
                CREATE INDEX IF NOT EXISTS events_time ON {schema}.events (time);
                CREATE INDEX IF NOT EXISTS events_chat ON {schema}.events (chat) WHERE chat IS NOT NULL;
                CREATE TABLE IF NOT EXISTS {schema}.snapshots (
                    position bigint PRIMARY KEY,
                    taken_at timestamptz NOT NULL,
                    sha256 bytea NOT NULL,
                    content bytea NOT NULL);
                CREATE TABLE IF NOT EXISTS {schema}.pruned (
                    through bigint NOT NULL,
                    at timestamptz NOT NULL);
                DELETE FROM {schema}.schema_version;
                INSERT INTO {schema}.schema_version (version) VALUES (1);
                """, connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction);
        exists.Parameters.AddWithValue("table", schema + ".schema_version");
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return 0;
        }

        await using var version = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_version", connection, transaction);
        return Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
