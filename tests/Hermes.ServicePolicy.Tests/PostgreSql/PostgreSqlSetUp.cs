using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>One server for every PostgreSQL test of this run; each test works in a schema of its own.</summary>
[SetUpFixture]
public sealed class PostgreSqlSetUp
{
    private static int _schemas;

    internal static PostgreSqlServer Server { get; private set; } = null!;

    internal static string NewSchema() => $"t{Interlocked.Increment(ref _schemas)}_{TestContext.CurrentContext.Random.GetString(6, "abcdefghijklmnopqrstuvwxyz")}";

    [OneTimeSetUp]
    public async Task StartAsync() => Server = await PostgreSqlServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await Server.DisposeAsync();
}
