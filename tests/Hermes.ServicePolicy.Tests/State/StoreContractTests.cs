using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Testing.StateStores;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>The in-memory store keeps the store contract (a reopen is the same instance: it has no other backing).</summary>
public sealed class InMemoryStoreContractTests : ServiceStateStoreContract
{
    protected override ValueTask<IServiceStateStore> CreateStoreAsync() => new(new InMemoryServiceStateStore());

    protected override ValueTask<IServiceStateStore> ReopenStoreAsync(IServiceStateStore previous) => new(previous);
}

/// <summary>The in-memory store as replicas in one process share it: one state, several writers.</summary>
public sealed class SharedInMemoryStoreContractTests : ServiceStateStoreContract
{
    protected override ValueTask<IServiceStateStore> CreateStoreAsync() => new(new InMemoryServiceStateStore(shared: true));

    protected override ValueTask<IServiceStateStore> ReopenStoreAsync(IServiceStateStore previous) => new(previous);

    protected override ValueTask<IServiceStateStore?> OpenSecondWriterAsync(IServiceStateStore first) => new(first);
}

/// <summary>The file store keeps the store contract: each test in a directory of its own, reopened from disk.</summary>
public sealed class FileStoreContractTests : ServiceStateStoreContract
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("hermes-store-contract-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    protected override ValueTask<IServiceStateStore> CreateStoreAsync() => new(FileServiceStateStore.Open(_directory));

    protected override ValueTask<IServiceStateStore> ReopenStoreAsync(IServiceStateStore previous) => new(FileServiceStateStore.Open(((FileServiceStateStore)previous).Directory));
}
