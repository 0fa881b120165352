using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Hermes.ServicePolicy.Checks;

/// <summary>
/// The host's answer to one question: allow, deny or hold with the reason of the check that said so, or a failure (a
/// check threw or did not answer in time), which denies.
/// </summary>
internal readonly record struct HostVerdict(OutboundCheckAction Action, string? Reason, Exception? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// Runs the host's checks in registration order (docs/behaviour.md#host-checks): the first denial or failure ends the
/// run, a hold is kept while later checks may still deny, and for an approval a hold is an allow. Each check gets the
/// same time limit, measured on the policy's clock.
/// </summary>
internal sealed class HostCheckRunner
{
    /// <summary>How long a check may take by default before it counts as failed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly IOutboundCheck[] _checks;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _report;

    public HostCheckRunner(IOutboundCheck[] checks, TimeSpan timeout, TimeProvider time, Action<string, Exception> report)
    {
        _checks = checks;
        _timeout = timeout;
        _time = time;
        _report = report;
    }

    /// <summary>Gets whether the host registered no check (the policy's paths then never ask).</summary>
    public bool IsEmpty => _checks.Length == 0;

    /// <summary>Asks every check about <paramref name="context"/>. Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async ValueTask<HostVerdict> RunAsync(OutboundCheckContext context, CancellationToken cancellationToken)
    {
        HostVerdict? held = null;
        foreach (var check in _checks)
        {
            OutboundCheckResult result;
            try
            {
                result = await AskAsync(check, context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A host check's failure of any kind denies the send: fail closed.
            catch (Exception error)
#pragma warning restore CA1031
            {
                Exception failure = error is OperationCanceledException or TimeoutException
                    ? new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"The host check {check.GetType().Name} did not answer within {_timeout.TotalSeconds:0.###} s."), error)
                    : new InvalidOperationException($"The host check {check.GetType().Name} failed: {error.GetType().Name}.", error);
                _report("host check", failure);
                return new HostVerdict(OutboundCheckAction.Deny, failure.Message, failure);
            }

            switch (result.Action)
            {
                case OutboundCheckAction.Allow:
                    break;
                case OutboundCheckAction.Deny:
                    return new HostVerdict(OutboundCheckAction.Deny, result.Reason, null);
                case OutboundCheckAction.Hold:
                    held ??= context.IsApproval ? null : new HostVerdict(OutboundCheckAction.Hold, result.Reason, null);
                    break;
                default:
                    var undefined = new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The host check {check.GetType().Name} answered an undefined action ({(int)result.Action})."));
                    _report("host check", undefined);
                    return new HostVerdict(OutboundCheckAction.Deny, undefined.Message, undefined);
            }
        }

        return held ?? default;
    }

    private async ValueTask<OutboundCheckResult> AskAsync(IOutboundCheck check, OutboundCheckContext context, CancellationToken cancellationToken)
    {
        // The token tells a cooperative check to stop; the wait below bounds one that ignores it.
        using var expiry = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        var pending = check.CheckAsync(context, linked.Token);
        return pending.IsCompleted
            ? await pending.ConfigureAwait(false)
            : await pending.AsTask().WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
    }
}
