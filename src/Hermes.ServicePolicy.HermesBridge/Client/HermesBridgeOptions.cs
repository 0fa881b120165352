using System;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>Where the bridge is and how to talk to it (docs/hermes-bridge.md).</summary>
public sealed class HermesBridgeOptions
{
    /// <summary>Gets or sets the bridge's address: it listens on IPv4 loopback only (default <c>http://127.0.0.1:3000/</c>).</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1:3000/");

    /// <summary>
    /// Gets or sets the name of an authentication header, for a bridge that has one (the proposals differ:
    /// <c>X-Hermes-Bridge-Token</c>, <c>X-Bridge-Token</c>, <c>Authorization</c>); none on the bridge's main branch.
    /// </summary>
    public string? AuthHeaderName { get; set; }

    /// <summary>Gets or sets the value of <see cref="AuthHeaderName"/> (<c>Bearer …</c> for <c>Authorization</c>). Never logged.</summary>
    public string? AuthHeaderValue { get; set; }

    /// <summary>Gets or sets how long a send may take before its outcome is unknown (the bridge's own limit is 60 s a chunk).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>Gets or sets the timeout of the other requests.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets whether the gated sender puts the permit's send id in an <c>Idempotency-Key</c> header, for a bridge
    /// that drops a repeated key (off by default: the bridge of today ignores it, and nothing requires it).
    /// </summary>
    public bool SendIdempotencyKeys { get; set; }

    /// <summary>
    /// Gets or sets whether the gated sender addresses a chat by its LID when the policy knows one for it (off by
    /// default). Turn it on for contacts WhatsApp moved to LIDs: a send to such a contact's phone JID is reported to
    /// succeed and then fail silently (error 463). The permit, the audit and the reports still name the chat as the
    /// policy does.
    /// </summary>
    public bool PreferLidChats { get; set; }

    /// <summary>
    /// Gets or sets the bridge's session folder, for its <c>lid-mapping-*.json</c> files (optional): the transport reads
    /// a chat's other identity there and hands it to the gateway with each message.
    /// </summary>
    public string? SessionDirectory { get; set; }

    /// <summary>Gets or sets the bridge's chunk size (<c>WHATSAPP_MAX_MESSAGE_LENGTH</c>): a longer text is several messages, one permit.</summary>
    public int MaxMessageLength { get; set; } = 4096;
}
