using System.Collections.Generic;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.Sample.Demo;

/// <summary>
/// Stands in for the host's WhatsApp transport (a Baileys bridge, the Cloud API, Twilio): it "sends" by recording.
/// The policy never sees it: the host asks the policy, then transports only what the policy allowed.
/// </summary>
internal sealed class FakeWhatsAppTransport
{
    private readonly List<(ChatId Chat, string Text)> _sent = [];

    public IReadOnlyList<(ChatId Chat, string Text)> Sent => _sent;

    public void Send(ChatId chat, string text) => _sent.Add((chat, text));
}
