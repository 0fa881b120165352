using System;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>Copies of <see cref="ServiceConversationOptions"/>, key by key from the one table of configuration keys.</summary>
public static class ServiceConversationOptionsCopying
{
    /// <summary>Creates a deep copy, so a validated configuration cannot be changed behind the policy's back.</summary>
    public static ServiceConversationOptions Clone(this ServiceConversationOptions options)
    {
        var copy = new ServiceConversationOptions();
        options.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// Copies every option into <paramref name="target"/> (lists as new lists, a null list or text as empty): how the
    /// Microsoft.Extensions binding fills the options object it is given.
    /// </summary>
    public static void CopyTo(this ServiceConversationOptions options, ServiceConversationOptions target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        OptionDescriptors.CopyAll(options, target);
    }
}
