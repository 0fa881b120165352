using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine.Snapshots;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// What tests read of a policy beyond its public surface: how much it keeps in memory (its bounds), the background work
/// it started last (awaitable hooks instead of sleeps), and its whole state as a snapshot would encode it.
/// </summary>
internal readonly struct PolicyProbes
{
    private readonly PolicyCore _core;
    private readonly PolicyQueries _queries;

    public PolicyProbes(PolicyCore core, PolicyQueries queries)
    {
        _core = core;
        _queries = queries;
    }

    /// <summary>Gets how many blocked (chat, reason) pairs and blocked chats the policy remembers.</summary>
    public (int Pairs, int Chats) BlockMemory => _core.State.Blocks.Size;

    /// <summary>Gets how many characters of draft text the policy keeps in memory.</summary>
    public long RetainedDraftText => _queries.RetainedDraftText();

    /// <summary>Gets how many drafts are held in memory (pending, or approved with their send unreported), and how many decided ids are remembered.</summary>
    public (int Drafts, int Decided) DraftMemory => (_core.State.Drafts.Count, _core.State.Decided.Count);

    /// <summary>Gets how many of the agent's permits are kept for its pacing.</summary>
    public int AgentSendMemory => _core.State.AgentSends.Count;

    /// <summary>Gets the checkpoint write the timer started last.</summary>
    public Task TimerCheckpoint => _core.Checkpoints.TimerSave;

    /// <summary>The whole state as a snapshot would encode it now (tests compare a restored state with a replayed one).</summary>
    public ValueTask<byte[]> EncodeStateAsync()
        => _core.Work.RunAsync(
            _core,
            static (scope, core, _) => new ValueTask<byte[]>(ProjectionSnapshotWriter.Encode(core.State, core.LimiterState, core.Journal.Position, scope.Now)),
            static (_, error) => throw new InvalidOperationException("The clock failed.", error),
            CancellationToken.None);
}
