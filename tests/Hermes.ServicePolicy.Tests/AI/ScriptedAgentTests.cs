using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.AI;
using Hermes.ServicePolicy.Gateway.Sending;
using Hermes.ServicePolicy.Gateway.Transport;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.AI;

/// <summary>
/// A scripted model behind Microsoft.Extensions.AI's own function invocation (no network): it calls the tools as a real
/// model would (arguments as JSON), and what the tools answer is what the model reads next.
/// </summary>
public class ScriptedAgentTests
{
    [Test]
    public async Task The_models_send_goes_through_the_policy_and_it_reads_what_happened()
    {
        await using var h = await CreateAsync(o => o.AllowAgentInitiatedServiceChats = true);
        await h.MakeAutonomousAsync(Vodafone, session: "s-1");
        await h.MakeAutonomousAsync(Orange);
        await h.Policy.PauseAsync(Id(Orange), "owner");
        var transport = new InMemoryTransport();
        var tools = new ServiceConversationTools(h.Policy, new GatedSender(h.Policy, transport, h.Time, h.Policy)).ForSession("s-1");
        var model = new ScriptedModel(
            Call("send_whatsapp_message", $$"""{"target":"{{Vodafone}}","text":"¿Hay avería en mi zona?"}"""),
            Call("send_whatsapp_message", $$"""{"target":"{{Movistar}}","text":"Hola, escribo por la factura de Ana"}"""),
            Call("send_whatsapp_message", $$"""{"target":"{{Orange}}","text":"¿Siguen ahí?"}"""));
        using var agent = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        var response = await agent.GetResponseAsync([new ChatMessage(ChatRole.User, "Pregunta a Vodafone por la avería, a Movistar por la factura y a Orange si siguen ahí")], new ChatOptions { Tools = [.. tools] });

        Assert.That(transport.Sent.Select(m => m.Text), Is.EqualTo(new[] { "¿Hay avería en mi zona?" }), "only the permit went out");
        Assert.That(model.Results, Has.Count.EqualTo(3));
        Assert.That(model.Results[0], Does.StartWith("sent:"));
        Assert.That(model.Results[1], Does.StartWith("draft:").And.Contain("you cannot approve it"), "the first contact is held for the owner, and the model is told so");
        Assert.That(model.Results[2], Does.StartWith("denied (paused)"), "a denial reaches the model as its reason");
        Assert.That(response.Text, Is.EqualTo("done"));
        Assert.That(h.Policy.GetPendingDrafts().Single().Chat, Is.EqualTo(Id(Movistar)));
    }

    private static FunctionCallContent Call(string name, string json)
        => new("call-" + Guid.NewGuid().ToString("N"), name, JsonSerializer.Deserialize<Dictionary<string, object?>>(json));

    /// <summary>Answers each turn with the next scripted tool call, then "done"; keeps what the tools answered.</summary>
    private sealed class ScriptedModel(params FunctionCallContent[] calls) : IChatClient
    {
        private int _turn;

        public List<string> Results { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Results.Clear();
            Results.AddRange(messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.Result?.ToString() ?? string.Empty));
            var reply = _turn < calls.Length
                ? new ChatMessage(ChatRole.Assistant, [calls[_turn++]])
                : new ChatMessage(ChatRole.Assistant, "done");
            return Task.FromResult(new ChatResponse(reply));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new NotSupportedException("the scripted model does not stream");
#pragma warning disable CS0162 // An iterator needs a yield.
            yield break;
#pragma warning restore CS0162
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
