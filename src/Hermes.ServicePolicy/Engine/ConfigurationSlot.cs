using System.Threading;
using Hermes.ServicePolicy.Configuration;

namespace Hermes.ServicePolicy.Engine;

/// <summary>
/// The configuration in force: an immutable snapshot swapped atomically, read without a lock. Only a committed
/// <c>policy_loaded</c> event swaps it (inside the gate), so every decision reads one consistent configuration.
/// </summary>
internal sealed class ConfigurationSlot
{
    private PolicyConfiguration _current = ServiceConversationOptionsValidator.Defaults;

    public PolicyConfiguration Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
