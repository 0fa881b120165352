using System;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// What a decision inside the gate works with: the configuration and the time of that moment (the clock is read once,
/// by <see cref="UnitOfWork"/>), and the one way to change state, <see cref="CommitAsync(PolicyEvent[], CancellationToken)"/>. A value, so a decision
/// that awaits a flush (the gate let go meanwhile) keeps its own moment.
/// </summary>
internal readonly struct ChangeScope
{
    private readonly Journal _journal;

    public ChangeScope(Journal journal, PolicyConfiguration configuration, DateTimeOffset now)
    {
        _journal = journal;
        Configuration = configuration;
        Now = now;
    }

    /// <summary>Gets the configuration the decision is made on.</summary>
    public PolicyConfiguration Configuration { get; }

    /// <summary>Gets the decision's time: the only clock reading it uses.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Appends, applies and makes durable a batch as one fact (see <see cref="Journal.CommitAsync"/>). Returns the failure, or null.</summary>
    public ValueTask<Exception?> CommitAsync(PolicyEvent[] events, CancellationToken cancellationToken) => _journal.CommitAsync(events, cancellationToken);

    /// <summary>Appends one event (see <see cref="CommitAsync(PolicyEvent[], CancellationToken)"/>).</summary>
    public ValueTask<Exception?> CommitAsync(PolicyEvent change, CancellationToken cancellationToken) => _journal.CommitAsync([change], cancellationToken);
}
