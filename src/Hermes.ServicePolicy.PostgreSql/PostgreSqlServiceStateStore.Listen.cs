using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;
using Npgsql;

namespace Hermes.ServicePolicy.PostgreSql;

public sealed partial class PostgreSqlServiceStateStore
{
    /// <summary>
    /// Completes when the log's head passes <paramref name="position"/>: woken by <c>NOTIFY</c> from whichever process
    /// appended, and checking the head itself at least every <see cref="PostgreSqlStateOptions.PollInterval"/> (a
    /// notification sent while the listening connection was being re-established is not lost for longer than that).
    /// </summary>
    public async ValueTask<long> WaitForAppendAsync(long position, CancellationToken cancellationToken = default)
    {
        StartListening();
        while (true)
        {
            var signal = Volatile.Read(ref _notified).Task;
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                var (head, _) = await HeadAsync(connection, cancellationToken).ConfigureAwait(false);
                if (head > position)
                {
                    return head;
                }
            }

            try
            {
                await signal.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Check again: the bound on the lag when notifications are missed.
            }
        }
    }

    private void StartListening()
    {
        lock (_listenGate)
        {
            _listener ??= Task.Run(() => ListenAsync(_stop.Token));
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, _) => Interlocked.Exchange(ref _notified, NewSignal()).TrySetResult();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlSchema.Channel(_schema)}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Wake waiters once listening: anything appended before this moment is found by their own head check.
                Interlocked.Exchange(ref _notified, NewSignal()).TrySetResult();
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                // The server went away (a restart, a failover): waiters fall back to polling until it is back.
                try
                {
                    await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(StateSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var content = snapshot.Content.ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand($"INSERT INTO {_schema}.snapshots (position, taken_at, sha256, content) VALUES (@position, @taken, @sha, @content) ON CONFLICT (position) DO NOTHING", connection, transaction))
        {
            insert.Parameters.AddWithValue("position", snapshot.Position);
            insert.Parameters.AddWithValue("taken", snapshot.TakenAt);
            insert.Parameters.AddWithValue("sha", SHA256.HashData(content));
            insert.Parameters.AddWithValue("content", content);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The newest two stay: the older is the fallback if the newest is ever damaged.
        await using (var trim = new NpgsqlCommand($"DELETE FROM {_schema}.snapshots WHERE position < (SELECT min(position) FROM (SELECT position FROM {_schema}.snapshots ORDER BY position DESC LIMIT 2) newest)", connection, transaction))
        {
            await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<HistoryPruneResult> PruneHistoryAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // A prefix of the log only: events up to the older kept snapshot, and before the first event that is not old enough.
        await using var prune = new NpgsqlCommand($"""
            WITH keep AS (
                SELECT coalesce((SELECT min(position) FROM (SELECT position FROM {_schema}.snapshots ORDER BY position DESC LIMIT 2) newest), 0) AS after,
                       coalesce((SELECT min(seq) - 1 FROM {_schema}.events WHERE time >= @cut), (SELECT max(seq) FROM {_schema}.events)) AS young),
            gone AS (
                DELETE FROM {_schema}.events WHERE seq <= (SELECT least(after, young) FROM keep) RETURNING seq)
            INSERT INTO {_schema}.pruned (through, at)
            SELECT max(seq), now() FROM gone HAVING count(*) > 0
            RETURNING through, (SELECT count(*) FROM gone)
            """, connection, transaction);
        prune.Parameters.AddWithValue("cut", olderThan);
        long through = 0, count = 0;
        await using (var reader = await prune.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (through, count) = (reader.GetInt64(0), reader.GetInt64(1));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (through == 0)
        {
            var (_, pruned) = await HeadAsync(connection, cancellationToken).ConfigureAwait(false);
            through = pruned;
        }

        return new HistoryPruneResult(through, count, 0);
    }

    /// <summary>Stops listening and disposes the data source if the store created it. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener is { } listener)
        {
            try
            {
                await listener.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes synchronously; prefer <see cref="DisposeAsync"/>. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _stop.Dispose();
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }
}
