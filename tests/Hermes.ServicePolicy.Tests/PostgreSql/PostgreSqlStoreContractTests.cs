using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.PostgreSql;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Testing.StateStores;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>
/// The PostgreSQL store keeps the store contract against the real server the set-up fixture starts: each test in a
/// schema of its own; a reopen and a second writer are new stores (their own connection pools) over that schema.
/// </summary>
[NonParallelizable]
public sealed class PostgreSqlStoreContractTests : ServiceStateStoreContract
{
    private string _schema = null!;

    [SetUp]
    public void NewSchema() => _schema = PostgreSqlSetUp.NewSchema();

    protected override ValueTask<IServiceStateStore> CreateStoreAsync() => new(Open());

    protected override ValueTask<IServiceStateStore> ReopenStoreAsync(IServiceStateStore previous) => new(Open());

    protected override ValueTask<IServiceStateStore?> OpenSecondWriterAsync(IServiceStateStore first) => new(Open());

    private PostgreSqlServiceStateStore Open()
        => PostgreSqlServiceStateStore.Create(
            PostgreSqlSetUp.Server.ConnectionString + ";Application Name=" + _schema,
            new PostgreSqlStateOptions { Schema = _schema, PollInterval = TimeSpan.FromMilliseconds(200) });
}
