using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Checks;

/// <summary>
/// A host's own rule before a message leaves (docs/behaviour.md#host-checks). It runs only after the library's rules
/// permitted a send or an approval, in registration order, and can only make the decision stricter:
/// <see cref="OutboundCheckResult.Allow"/> lets it go, <see cref="OutboundCheckResult.Deny(string)"/> refuses it
/// (<c>host_denied</c>), <see cref="OutboundCheckResult.Hold(string)"/> turns it into a draft for the owner.
/// </summary>
/// <remarks>
/// <para>A check that throws, or does not answer within the policy's check timeout (5 s by default), denies the send
/// (<c>policy_unavailable</c>): the policy fails closed. The first denial ends the run; a hold lets the later checks
/// run, since one of them may deny.</para>
/// <para>Checks run outside the policy's gate, so a slow one delays only its own decision; the library's rules are
/// checked again, with the host's answer, before the permit is issued. A check may be called concurrently for
/// different decisions, and again for the same request when its answer no longer fits the state (rarely).</para>
/// <para>Keep it a question about the message in front of it: the context holds that chat's text only.</para>
/// </remarks>
public interface IOutboundCheck
{
    /// <summary>Judges a message the library's rules would let leave.</summary>
    /// <param name="context">The chat, the exact text, who asked, the session, and whether it is a first contact or an approval.</param>
    /// <param name="cancellationToken">Cancelled when the check times out or the caller gives up.</param>
    ValueTask<OutboundCheckResult> CheckAsync(OutboundCheckContext context, CancellationToken cancellationToken);
}
