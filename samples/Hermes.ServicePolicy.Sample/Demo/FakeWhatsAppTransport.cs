using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Sample.Demo;

/// <summary>
/// Stands in for the host's WhatsApp transport in the demo: it records what it was asked to send, and can be told
/// that the bridge is disconnected (the next send fails, as Hermes's bridge answers 503 while it reconnects).
/// </summary>
internal sealed class FakeWhatsAppTransport
{
    private readonly List<(ChatId Chat, string Text)> _sent = [];
    private int _messageIds;

    public IReadOnlyList<(ChatId Chat, string Text)> Sent => _sent;

    /// <summary>Gets or sets whether the next send fails as "not connected".</summary>
    public bool Disconnected { get; set; }

    /// <summary>Sends, and says what happened: the report the host gives the policy.</summary>
    public SendReport Send(ChatId chat, string text)
    {
        if (Disconnected)
        {
            Disconnected = false;
            return SendReport.Failed("503 Service Unavailable: not connected to WhatsApp");
        }

        _sent.Add((chat, text));
        return SendReport.Delivered($"wamid.{++_messageIds}");
    }
}
