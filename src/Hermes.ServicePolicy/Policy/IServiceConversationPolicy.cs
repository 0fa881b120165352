using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Policy;

/// <summary>
/// Decides what may pass between the agent and WhatsApp service chats (docs/behaviour.md). It decides; the host
/// transports and stores. The jobs are split so a component can depend on only what it calls:
/// <see cref="IServiceConversationGate"/> (the transport), <see cref="IServiceConversationOperator"/> (the owner's
/// actions), <see cref="IServiceConversationQueries"/> (status, sweep, configuration); this interface is all of them,
/// with the resolver and the directory of the same state.
/// </summary>
public interface IServiceConversationPolicy : IServiceConversationGate, IServiceConversationOperator, IServiceConversationQueries
{
    /// <summary>Gets the resolver of targets by JID, phone number or recent-chat name (acceptance criterion 2).</summary>
    IChatTargetResolver Resolver { get; }

    /// <summary>Gets the safe listing of recent chats, with each chat's service status (acceptance criterion 1).</summary>
    IChatDirectory Directory { get; }
}
