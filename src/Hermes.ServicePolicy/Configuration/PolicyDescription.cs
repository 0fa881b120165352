using System.Text;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>The text of a <c>policy_loaded</c> event: each shown key's value in force (<see cref="OptionDescriptor.Describe"/>), and whether the feature was switched on or off.</summary>
internal static class PolicyDescription
{
    public static string Describe(PolicyConfiguration previous, PolicyConfiguration next)
    {
        var text = new StringBuilder();
        foreach (var key in OptionDescriptors.All)
        {
            if (key.Describe(next) is { } shown)
            {
                text.Append(text.Length == 0 ? string.Empty : " ").Append(shown);
            }
        }

        if (previous.Enabled != next.Enabled)
        {
            text.Append(next.Enabled ? " (feature switched on)" : " (feature switched off)");
        }

        return text.ToString();
    }
}
