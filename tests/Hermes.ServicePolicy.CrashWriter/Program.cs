using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

// Usage: hermes-crash-writer DIR FIRST
// Opens the file store in DIR and, from chat number FIRST on, approves each chat as autonomous and revokes every
// other one, printing "ack N" only after the change for chat N is acknowledged (durable). Runs until killed.
var directory = args[0];
var first = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
using var store = FileServiceStateStore.Open(directory);
await using var policy = await new ServiceConversationPolicyBuilder()
    .WithStateStore(store)
    .WithOptions(new ServiceConversationOptions { Enabled = true })
    .BuildAsync();
Console.Out.WriteLine("ready");
Console.Out.Flush();
for (var i = first; ; i++)
{
    var chat = ChatId.FromPhoneNumber(34600000000UL + (ulong)i);
    var approved = await policy.ApproveChatAsync(chat, "writer", ServiceChatMode.Autonomous);
    if (!approved.Ok)
    {
        await Console.Error.WriteLineAsync(approved.Explain());
        return 1;
    }

    if (i % 2 == 0)
    {
        var revoked = await policy.RevokeAsync(chat, "writer");
        if (!revoked.Ok)
        {
            await Console.Error.WriteLineAsync(revoked.Explain());
            return 1;
        }
    }

    Console.Out.WriteLine($"ack {i}");
    Console.Out.Flush();
    await Task.Yield();
}
