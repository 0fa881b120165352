using System;

namespace Hermes.ServicePolicy.OwnerConsole;

/// <summary>How the owner's console is served (docs/owner-console.md). Every default is the safe one.</summary>
public sealed class ServiceConversationConsoleOptions
{
    /// <summary>The name of the authorization policy the console requires unless the host names another.</summary>
    public const string DefaultAuthorizationPolicy = "ServiceConversationConsole";

    /// <summary>
    /// Gets or sets the authorization policy every page and action requires (default <see cref="DefaultAuthorizationPolicy"/>).
    /// The host defines it (<c>AddAuthorization(o => o.AddPolicy(…))</c>); a request it does not authorize gets 401 or 403
    /// and changes nothing. The authenticated user's name is the actor of every action.
    /// </summary>
    public string AuthorizationPolicy { get; set; } = DefaultAuthorizationPolicy;

    /// <summary>
    /// Gets or sets whether requests from other machines are served (default false: only loopback). Turn it on only
    /// behind TLS and an authentication the host trusts; the console approves messages in the owner's name.
    /// </summary>
    public bool AllowRemoteRequests { get; set; }

    /// <summary>Gets or sets how many audit events a timeline page shows (1–500; default 50).</summary>
    public int PageSize { get; set; } = 50;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(AuthorizationPolicy))
        {
            throw new InvalidOperationException("ServiceConversationConsoleOptions.AuthorizationPolicy is required: the console never serves anonymous requests.");
        }

        if (PageSize is < 1 or > 500)
        {
            throw new InvalidOperationException($"ServiceConversationConsoleOptions.PageSize must be 1 to 500, not {PageSize}.");
        }
    }
}
