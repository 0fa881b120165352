using System;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Rules;

/// <summary>
/// Who may be named as the actor of an approval or an operator action (docs/behaviour.md#outbound-the-order-of-checks): someone, not the policy's own reserved actors, and nothing that could disguise itself in an audit line.
/// </summary>
internal static class ActorNames
{
    /// <summary>The actor of changes the policy makes on its own (promotion, expiry, confirmations, alias links from the transport).</summary>
    public const string SystemActor = "system";

    /// <summary>The actor of agent-initiated sends.</summary>
    public const string AgentActor = "agent";

    /// <summary>The actor of sends the operator asked the agent to make, when the request names no one.</summary>
    public const string OperatorActor = "operator";

    /// <summary>The actor of an <c>owner_message</c> event: the account's owner, typing on their own phone.</summary>
    public const string OwnerActor = "owner";

    /// <summary>The longest actor name, after trimming.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Checks <paramref name="actor"/>: trimmed, it must be non-empty, at most 128 characters, free of controls, bidi
    /// and other invisible format characters and lone surrogates, and not <c>agent</c> or <c>system</c> in any case or
    /// compatibility form. The actor recorded is the trimmed name.
    /// </summary>
    public static bool TryValidate([NotNullWhen(true)] string? actor, [NotNullWhen(true)] out string? trimmed)
    {
        trimmed = actor?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxLength || UnicodeText.HasLoneSurrogate(trimmed))
        {
            trimmed = null;
            return false;
        }

        foreach (var (_, _, codePoint) in UnicodeText.CodePoints(trimmed))
        {
            if (!UnicodeText.IsWhiteSpace(codePoint) && UnicodeText.IsIgnorable(codePoint))
            {
                trimmed = null;
                return false;
            }
        }

        var folded = UnicodeText.Fold(UnicodeNormalization.Normalize(trimmed, NormalizationForm.FormKC));
        if (string.Equals(folded, AgentActor, StringComparison.Ordinal)
            || string.Equals(folded, SystemActor, StringComparison.Ordinal))
        {
            trimmed = null;
            return false;
        }

        return true;
    }
}
