using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests (no mocks for the store): <c>initdb</c> into a temporary folder, then
/// <c>pg_ctl</c> on a free port with its socket in that folder, as the unprivileged <c>postgres</c> user when the tests
/// run as root (the server refuses root). Removed afterwards. The binaries come from Debian's <c>postgresql</c> package,
/// which the README's test command (<c>.ci/test</c>) installs when it is missing.
/// </summary>
internal sealed class PostgreSqlServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;
    private readonly bool _asPostgres;

    private PostgreSqlServer(string root, string bin, bool asPostgres, int port)
    {
        _root = root;
        _bin = bin;
        _asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=30";

    private string Data => Path.Combine(_root, "data");

    public static async Task<PostgreSqlServer> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "The PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. Run the tests with .ci/test, which installs Debian's postgresql package, or install it yourself.");
        var root = Directory.CreateTempSubdirectory("hermes-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync("chown", $"postgres {root}").ConfigureAwait(false);
        }

        var server = new PostgreSqlServer(root, bin, asPostgres, FreePort());
        await server.RunServerToolAsync("initdb", $"-D {server.Data} -A trust -U postgres --no-sync -E UTF8 --locale=C").ConfigureAwait(false);
        await server.StartServerAsync().ConfigureAwait(false);
        return server;
    }

    public Task StartServerAsync()
        => RunServerToolAsync("pg_ctl", $"-D {Data} -l {Path.Combine(_root, "server.log")} -w -t 60 -o \"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200\" start");

    public Task StopServerAsync(string mode = "fast") => RunServerToolAsync("pg_ctl", $"-D {Data} -w -t 60 -m {mode} stop");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopServerAsync("immediate").ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task RunServerToolAsync(string tool, string arguments)
        => _asPostgres
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(_bin, tool)} {arguments}")
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"{file} {arguments}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' exited with {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
    }

    private static string? FindBinaries()
        => Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
