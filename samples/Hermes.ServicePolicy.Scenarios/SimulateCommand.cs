using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.PostgreSql;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// <c>simulate [--state DIR | --postgres CONNECTION_STRING [--schema NAME]] FILE</c>: replays a scenario against the real
/// library with the embedded durable store, in DIR (kept, so a second run starts from it) or in a temporary folder removed
/// afterwards; or on a PostgreSQL database, where several such processes may run at once, as replicas would.
/// The test suite calls this same method for every scenario file.
/// </summary>
public static class SimulateCommand
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: hermes-policy-sample simulate [--state DIR | --postgres CONNECTION_STRING [--schema NAME]] FILE";

    /// <summary>Why <paramref name="stateDirectory"/> cannot be a state directory (it is a file), or null.</summary>
    public static string? StateDirectoryProblem(string? stateDirectory)
        => stateDirectory is not null && File.Exists(stateDirectory)
            ? $"--state needs a directory (it is created when missing); '{stateDirectory}' is a file"
            : null;

    /// <summary>Runs the command; returns the exit code (0 passed, 1 an expectation failed, 2 malformed).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(errors);
        string? stateDirectory = null;
        string? postgres = null;
        string? schema = null;
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--state" && i + 1 < args.Length && postgres is null)
            {
                stateDirectory = args[++i];
            }
            else if (args[i] == "--postgres" && i + 1 < args.Length && stateDirectory is null)
            {
                postgres = args[++i];
            }
            else if (args[i] == "--schema" && i + 1 < args.Length)
            {
                schema = args[++i];
            }
            else if (file is null && !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                file = args[i];
            }
            else
            {
                await errors.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
            }
        }

        if (file is null)
        {
            await errors.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (!File.Exists(file))
        {
            await errors.WriteLineAsync($"no such scenario file: {file}").ConfigureAwait(false);
            return 2;
        }

        if (StateDirectoryProblem(stateDirectory) is { } problem)
        {
            await errors.WriteLineAsync(problem).ConfigureAwait(false);
            return 2;
        }

        if (postgres is not null)
        {
            return await RunOnPostgreSqlAsync(postgres, schema, file, output, errors, cancellationToken).ConfigureAwait(false);
        }

        var temporary = stateDirectory is null ? Directory.CreateTempSubdirectory("hermes-simulate-").FullName : null;
        try
        {
            var directory = stateDirectory ?? temporary!;
            await using var runner = new ScenarioRunner(() => FileServiceStateStore.Open(directory), output, errors);
            using var reader = new StreamReader(file);
            return await runner.RunAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StateStoreCorruptedException)
        {
            await errors.WriteLineAsync($"state store: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static async Task<int> RunOnPostgreSqlAsync(string connectionString, string? schema, string file, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var options = new PostgreSqlStateOptions();
        if (schema is not null)
        {
            options.Schema = schema;
        }

        try
        {
            await using var runner = new ScenarioRunner(() => PostgreSqlServiceStateStore.Create(connectionString, options), output, errors);
            using var reader = new StreamReader(file);
            return await runner.RunAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Npgsql.NpgsqlException or StateStoreCorruptedException)
        {
            // The message names the server, never the connection string (it may hold a password).
            await errors.WriteLineAsync($"state store (PostgreSQL): {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
