namespace Hermes.ServicePolicy;

/// <summary>Who asked for a send.</summary>
public enum Initiator
{
    /// <summary><c>operator</c>: the human asked for this contact.</summary>
    Operator = 0,

    /// <summary><c>agent</c>: the agent decided on its own.</summary>
    Agent = 1,
}
