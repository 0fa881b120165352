using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;
using Npgsql;
using NpgsqlTypes;

namespace Hermes.ServicePolicy.PostgreSql;

/// <summary>
/// A state store that several processes share through one PostgreSQL database (docs/several-processes.md). The
/// <c>events</c> table is the log and the audit trail (columns for time, type, chat, actor and reason, and the event as
/// JSON); an append inserts its events at the sequences after the position it was decided on, in one transaction, and
/// a head that moved (or the primary key) turns a lost race into <see cref="AppendResult.Conflict"/>. A committed append
/// is durable (the database's commit), and announced with <c>NOTIFY</c> so other processes catch up without polling.
/// </summary>
public sealed partial class PostgreSqlServiceStateStore : IServiceStateStore, IAsyncDisposable, IDisposable
{
    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlStateOptions _options;
    private readonly string _schema;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _listenGate = new();
    private TaskCompletionSource _notified = NewSignal();
    private Task? _listener;
    private int _migrated;
    private int _disposed;

    /// <summary>Initializes a store over <paramref name="dataSource"/> (the caller keeps owning it).</summary>
    public PostgreSqlServiceStateStore(NpgsqlDataSource dataSource, PostgreSqlStateOptions? options = null)
        : this(dataSource, options, ownsDataSource: false)
    {
    }

    private PostgreSqlServiceStateStore(NpgsqlDataSource dataSource, PostgreSqlStateOptions? options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options ?? new PostgreSqlStateOptions();
        _schema = _options.Validated();
    }

    /// <summary>Creates a store with its own data source for <paramref name="connectionString"/> (disposed with the store).</summary>
    public static PostgreSqlServiceStateStore Create(string connectionString, PostgreSqlStateOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new PostgreSqlServiceStateStore(NpgsqlDataSource.Create(connectionString), options, ownsDataSource: true);
    }

    /// <inheritdoc />
    public bool IsShared => true;

    /// <summary>Gets the schema that holds the tables.</summary>
    public string Schema => _schema;

    /// <summary>Creates or migrates the tables now (idempotent; several processes may call it at once).</summary>
    /// <exception cref="InvalidOperationException">The database's schema is newer than this package.</exception>
    public async Task CreateSchemaAsync(CancellationToken cancellationToken = default)
    {
        await PostgreSqlSchema.MigrateAsync(_dataSource, _schema, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _migrated, 1);
    }

    /// <inheritdoc />
    public async ValueTask<StoredState> LoadAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var (head, pruned) = await HeadAsync(connection, cancellationToken).ConfigureAwait(false);
        StateSnapshot? snapshot = null;
        await using (var command = new NpgsqlCommand($"SELECT position, taken_at, sha256, content FROM {_schema}.snapshots WHERE position <= @head ORDER BY position DESC", connection))
        {
            command.Parameters.AddWithValue("head", head);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var content = (byte[])reader[3];
                if (SHA256.HashData(content).AsSpan().SequenceEqual((byte[])reader[2]) && reader.GetInt64(0) >= pruned)
                {
                    snapshot = new StateSnapshot(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), content);
                    break; // the newest that verifies; a damaged one is never trusted
                }
            }
        }

        if (snapshot is null && pruned > 0)
        {
            throw new StateStoreCorruptedException($"No snapshot in {_schema}.snapshots can be trusted and history through event {pruned} was pruned, so the state cannot be rebuilt.");
        }

        return new StoredState(snapshot, head) { PrunedThrough = pruned };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PolicyEvent> ReadAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var (_, pruned) = await HeadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (afterPosition < pruned)
        {
            throw new HistoryPrunedException(afterPosition, pruned);
        }

        await using var command = new NpgsqlCommand($"SELECT seq, event::text FROM {_schema}.events WHERE seq > @after ORDER BY seq", connection);
        command.Parameters.AddWithValue("after", afterPosition);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var expected = afterPosition + 1;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var e = PostgreSqlEventJson.FromStored(reader.GetString(1));
            if (e.Sequence != reader.GetInt64(0) || e.Sequence != expected)
            {
                throw new StateStoreCorruptedException($"{_schema}.events holds event {e.Sequence} where {expected} was expected: the table was edited.");
            }

            expected++;
            yield return e;
        }
    }

    /// <inheritdoc />
    public async ValueTask<AppendResult> AppendAsync(long expectedPosition, IReadOnlyList<PolicyEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Sequence != expectedPosition + 1 + i)
            {
                throw new ArgumentException($"Events must continue the log in sequence: expected {expectedPosition + 1 + i}, got {events[i].Sequence}.", nameof(events));
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return AppendResult.Appended((await HeadAsync(connection, cancellationToken).ConfigureAwait(false)).Head);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The head must be exactly where the decision was made.
            await using (var head = new NpgsqlCommand($"SELECT greatest((SELECT coalesce(max(seq), 0) FROM {_schema}.events), (SELECT coalesce(max(through), 0) FROM {_schema}.pruned))", connection, transaction))
            {
                var current = (long)(await head.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (current != expectedPosition)
                {
                    return AppendResult.Conflict(current);
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var e in events)
            {
                var insert = new NpgsqlBatchCommand($"INSERT INTO {_schema}.events (seq, time, type, chat, actor, reason, event) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)");
                insert.Parameters.Add(new NpgsqlParameter { Value = e.Sequence });
                insert.Parameters.Add(new NpgsqlParameter { Value = e.Timestamp, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                insert.Parameters.Add(new NpgsqlParameter { Value = e.Type.ToCode() });
                insert.Parameters.Add(new NpgsqlParameter { Value = e.Chat.IsEmpty ? DBNull.Value : e.Chat.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = e.Reason == ReasonCode.None ? DBNull.Value : e.Reason.ToCode(), NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter { Value = PostgreSqlEventJson.ToStored(e), NpgsqlDbType = NpgsqlDbType.Text });
                batch.BatchCommands.Add(insert);
            }

            var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
            notify.Parameters.Add(new NpgsqlParameter { Value = PostgreSqlSchema.Channel(_schema) });
            notify.Parameters.Add(new NpgsqlParameter { Value = events[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            batch.BatchCommands.Add(notify);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return AppendResult.Appended(events[^1].Sequence);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            // Another process inserted the same sequence between our check and our insert: it got there first.
            await using var again = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return AppendResult.Conflict((await HeadAsync(again, cancellationToken).ConfigureAwait(false)).Head);
        }
    }

    /// <summary>Nothing to wait for: an append returns once the database committed it.</summary>
    public ValueTask SyncAsync(long position, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private async Task<(long Head, long Pruned)> HeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT (SELECT coalesce(max(seq), 0) FROM {_schema}.events), (SELECT coalesce(max(through), 0) FROM {_schema}.pruned)", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var pruned = reader.GetInt64(1);
        return (Math.Max(reader.GetInt64(0), pruned), pruned);
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _migrated) == 1)
        {
            return;
        }

        if (_options.MigrateAtStart)
        {
            await CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var version = await PostgreSqlSchema.CurrentVersionAsync(connection, null, _schema, cancellationToken).ConfigureAwait(false);
        if (version != PostgreSqlSchema.Version)
        {
            throw new InvalidOperationException(version > PostgreSqlSchema.Version
                ? $"The schema '{_schema}' is at version {version}, newer than this package understands ({PostgreSqlSchema.Version}); upgrade Hermes.ServicePolicy.PostgreSql."
                : $"The schema '{_schema}' is at version {version}; run CreateSchemaAsync (MigrateAtStart is off) to bring it to {PostgreSqlSchema.Version}.");
        }

        Volatile.Write(ref _migrated, 1);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
