using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Targeting;

/// <summary>
/// Turns what a person or an agent typed ("Movistar", "+34 600 12 34 56", "wa.me/34600123456", a JID) into one
/// canonical chat, or says why it cannot. The order is JID, then phone number, then recent-chat name; names match
/// only exactly, and two matches or a look-alike name are ambiguous, never a guess.
/// </summary>
public interface IChatTargetResolver
{
    /// <summary>Resolves <paramref name="target"/>.</summary>
    /// <param name="target">The target in any supported form.</param>
    /// <param name="cancellationToken">Cancels a name lookup that waits for the host's recent-chat source.</param>
    ValueTask<TargetResolution> ResolveAsync(string target, CancellationToken cancellationToken = default);
}
