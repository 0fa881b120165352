using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Policy;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>SPEC.md "More precise rules" that the second reading found unanswered (the rest are in tests/scenarios/precise-rules.jsonl).</summary>
public class MorePreciseRulesTests
{
    [Test]
    public async Task The_actor_of_a_send_is_the_operator_id_the_request_carries()
    {
        await using var h = await CreateAsync();
        var draft = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator, RequestedBy: " Ana "));
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));
        Assert.That(h.DrainAudit().Single().Actor, Is.EqualTo("Ana"));

        await h.SendAsync(Vodafone, "x", Initiator.Agent);
        Assert.That(h.DrainAudit().Single().Actor, Is.EqualTo(ServiceConversationPolicy.AgentActor), "without one: by initiator");
    }

    [TestCase("agent")]
    [TestCase("system")]
    [TestCase(" ")]
    public async Task A_send_that_names_a_reserved_or_empty_operator_is_invalid_actor(string requestedBy)
    {
        await using var h = await CreateAsync();
        var decision = await h.Policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), "hola", Initiator.Operator, RequestedBy: requestedBy));
        Assert.That(decision.Reason, Is.EqualTo(ReasonCode.InvalidActor));
        Assert.That(h.DrainAudit(), Is.Empty);
    }

    [Test]
    public void Command_prefixes_left_out_or_null_are_the_default_and_an_explicit_empty_list_is_an_error()
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new("command_prefixes", null)], out _)!.CommandPrefixes, Is.EqualTo(new[] { "/" }));
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([], out _)!.CommandPrefixes, Is.EqualTo(new[] { "/" }));
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new("command_prefixes", "")], out var errors), Is.Null);
        Assert.That(string.Join("\n", errors), Does.Contain("command_prefixes"));
    }

    [TestCase("null", true)]
    [TestCase("[]", false)]
    public void Microsoft_extensions_json_keeps_null_and_empty_apart(string json, bool valid)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{{\"command_prefixes\": {json}}}")))
            .Build();
        var values = configuration.AsEnumerable().Where(p => p.Key.Length > 0).ToList();
        var options = ServiceConversationOptionsReader.ReadAndValidate(values, out var errors);
        Assert.That(options is not null, Is.EqualTo(valid), string.Join("\n", errors));
        if (valid)
        {
            Assert.That(options!.CommandPrefixes, Is.EqualTo(new[] { "/" }));
        }
        else
        {
            Assert.That(string.Join("\n", errors), Does.Contain("command_prefixes"));
        }
    }
}
