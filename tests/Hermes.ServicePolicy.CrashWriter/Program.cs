using System;
using System.Threading.Tasks;
using Hermes.ServicePolicy;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

// Usage: hermes-crash-writer DIR FIRST [SNAPSHOT_EVERY]
//   Opens the file store in DIR and, from chat number FIRST on, approves each chat as autonomous and revokes every
//   other one, printing "ack N" only after the change for chat N is acknowledged (durable). Runs until killed. With
//   SNAPSHOT_EVERY, takes background snapshots that often (so a kill often lands while one is written).
// Usage: hermes-crash-writer permits DIR
//   Drafts and approves a first contact to +34 610 000 111 and makes one autonomous send to +34 607 000 111 (an
//   approved chat), printing "approved SEND" and "autonomous SEND" once each permit is handed out, then waits to be
//   killed without reporting either: a crash between permit and confirmation.
if (args[0] == "permits")
{
    return await PermitsAsync(args[1]);
}

var directory = args[0];
var first = long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var snapshotEvery = args.Length > 2 ? long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
using var store = FileServiceStateStore.Open(directory);
store.SegmentBytes = snapshotEvery < 10_000 ? 4096 : store.SegmentBytes; // many segments too
await using var policy = await new ServiceConversationPolicyBuilder()
    .WithStateStore(store)
    .WithOptions(new ServiceConversationOptions { Enabled = true })
    .WithSnapshotEvery(snapshotEvery)
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

static async Task<int> PermitsAsync(string directory)
{
    using var store = FileServiceStateStore.Open(directory);
    var policy = await new ServiceConversationPolicyBuilder()
        .WithStateStore(store)
        .WithTimeProvider(new ClockWithoutTimers()) // no batched checkpoint before the kill: the autonomous permit is lost
        .WithOptions(new ServiceConversationOptions { Enabled = true, ApprovedChats = ["+34 607 000 111"], DefaultMode = ServiceChatMode.Autonomous })
        .BuildAsync();
    var draft = await policy.DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34610000111@s.whatsapp.net"), "Hola Movistar", Initiator.Operator, "s-1"));
    var approved = await policy.ApproveDraftAsync(draft.Draft, "owner");
    var autonomous = await policy.DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34607000111@s.whatsapp.net"), "Hola Vodafone", Initiator.Agent));
    if (!approved.IsPermitted || !autonomous.IsPermitted)
    {
        await Console.Error.WriteLineAsync($"{approved.Explain()} / {autonomous.Explain()}");
        return 1;
    }

    Console.Out.WriteLine($"approved {approved.Send}");
    Console.Out.WriteLine($"autonomous {autonomous.Send}");
    Console.Out.Flush();
    await Task.Delay(System.Threading.Timeout.Infinite); // killed here: the policy never shuts down
    return 0;
}

/// <summary>The system clock whose timers never fire, so the child dies before any batched checkpoint.</summary>
internal sealed class ClockWithoutTimers : TimeProvider
{
    public override System.Threading.ITimer CreateTimer(System.Threading.TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => new NeverFires();

    private sealed class NeverFires : System.Threading.ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
