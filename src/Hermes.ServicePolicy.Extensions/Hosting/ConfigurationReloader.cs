using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Extensions.Configuration;
using Hermes.ServicePolicy.Extensions.Logging;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Hermes.ServicePolicy.Extensions.Hosting;

/// <summary>
/// Applies each change of the configuration section through the policy, which validates it, swaps it in atomically
/// and audits it. Reloads never throw into the configuration provider's change callback.
/// </summary>
internal static class ConfigurationReloader
{
    public static IDisposable Watch(ServiceConversationPolicy policy, ServiceConversationConfiguration configuration, ILogger logger)
    {
        var reloads = new SemaphoreSlim(1, 1);
        var applied = Snapshot(configuration);
        return ChangeToken.OnChange(configuration.Section.GetReloadToken, () => _ = ReloadAsync());

        async Task ReloadAsync()
        {
            await reloads.WaitAsync().ConfigureAwait(false);
            try
            {
                // File watchers often report one save as several changes: an unchanged section is not applied again.
                var current = Snapshot(configuration);
                if (string.Equals(current, applied, StringComparison.Ordinal))
                {
                    return;
                }

                applied = current;
                var result = await policy.ApplyConfigurationAsync(configuration.Values()).ConfigureAwait(false);
                if (result.Accepted)
                {
                    PolicyLog.Reloaded(logger);
                }
                else if (result.Error is { } error)
                {
                    PolicyLog.ReloadFailed(logger, error);
                }
                else
                {
                    PolicyLog.ReloadRefused(logger, result.Describe());
                }
            }
            catch (ObjectDisposedException)
            {
                // The policy closed while a change was on its way: the next start reads the section anew.
            }
#pragma warning disable CA1031 // A reload must never crash the process; it is logged and the last good configuration stays.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PolicyLog.ReloadFailed(logger, ex);
            }
            finally
            {
                reloads.Release();
            }
        }
    }

    private static string Snapshot(ServiceConversationConfiguration configuration)
    {
        var pairs = configuration.Values().Where(p => p.Value is not null).Select(p => $"{p.Key}\u0001{p.Value}").Order(StringComparer.Ordinal);
        return string.Join('\u0002', pairs);
    }
}
