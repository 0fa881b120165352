using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// The handlers off the decision paths, kept together so the façade holds one reference for them: operator actions,
/// configuration changes, the sweep, the queries and the store follower, and the start of an orderly shutdown.
/// </summary>
internal sealed class PolicyHandlers
{
    private int _disposed;

    public PolicyHandlers(PolicyCore core)
    {
        Operator = new OperatorActions(core);
        Configuration = new ConfigurationChanges(core);
        Maintenance = new Maintenance(core);
        Queries = new PolicyQueries(core);
        Follower = new StoreFollower(core);
    }

    public OperatorActions Operator { get; }

    public ConfigurationChanges Configuration { get; }

    public Maintenance Maintenance { get; }

    public PolicyQueries Queries { get; }

    public StoreFollower Follower { get; }

    /// <summary>
    /// The first part of shutdown, once: stops following the store and writes the roll-up of blocked messages (a clean
    /// shutdown forgets nothing). Returns false when the policy was disposed already.
    /// </summary>
    public async ValueTask<bool> BeginDisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        await Follower.DisposeAsync().ConfigureAwait(false);
        await Maintenance.FlushRollupsAtShutdownAsync().ConfigureAwait(false);
        return true;
    }
}
