using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Rules;
using Hermes.ServicePolicy.State;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.Policy;

/// <summary>
/// <c>outbound: never</c> (SPEC "Safeguards, second set"), the first rule of the send stage of the pipeline: no message
/// leaves on any path, drafts are still made for the owner, inbound is decided as usual.
/// </summary>
public class OutboundSwitchTests
{
    [Test]
    public void It_is_the_first_rule_after_the_mode_step()
        => Assert.That(OutboundPipeline.Default.AfterModeRules[0], Is.TypeOf<OutboundNeverRule>());

    [Test]
    public async Task Never_denies_an_autonomous_send_on_the_hot_path_and_audits_it()
    {
        await using var h = await CreateAsync();
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.SendAsync(Movistar, "antes", Initiator.Agent)).IsPermitted, Is.True, "normal: the hot path permits");
        await SwitchAsync(h, OutboundSwitch.Never);
        h.DrainAudit();

        var denied = await h.SendAsync(Movistar, "después", Initiator.Agent);

        Assert.That((denied.IsPermitted, denied.Reason, denied.RetryAfter), Is.EqualTo((false, ReasonCode.OutboundDisabled, (System.TimeSpan?)null)));
        var audited = h.DrainAudit().Single();
        Assert.That((audited.Type, audited.Reason), Is.EqualTo((PolicyEventType.OutboundDenied, ReasonCode.OutboundDisabled)));
        Assert.That(denied.Explain(), Does.Contain("outbound: never"));
    }

    [Test]
    public async Task Never_denies_the_owners_own_send_and_a_direct_first_contact()
    {
        await using var h = await CreateAsync(o =>
        {
            o.Outbound = OutboundSwitch.Never;
            o.RequireExplicitApprovalForFirstContact = false;
        });
        await h.MakeAutonomousAsync(Movistar);

        Assert.That((await h.SendAsync(Movistar, "soy el dueño", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.OutboundDisabled));
        Assert.That((await h.SendAsync(Vodafone, "primer contacto", Initiator.Operator)).Reason, Is.EqualTo(ReasonCode.OutboundDisabled));
        Assert.That(h.Status(Vodafone), Is.EqualTo(ServiceChatStatus.None), "a refused first contact makes no service chat");
    }

    [Test]
    public async Task Drafts_are_still_made_but_approving_one_is_denied_until_outbound_is_normal_again()
    {
        await using var h = await CreateAsync(o => o.Outbound = OutboundSwitch.Never);
        var draft = await h.SendAsync(Movistar, "¿Me ayudan con la factura?");
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft), "the owner can still read what the agent would say");

        var approval = await h.ApproveAsync(draft.Draft);
        Assert.That((approval.IsPermitted, approval.Reason), Is.EqualTo((false, ReasonCode.OutboundDisabled)));
        Assert.That(h.DrainAudit()[^1].Type, Is.EqualTo(PolicyEventType.OutboundDenied));

        await SwitchAsync(h, OutboundSwitch.Normal);
        Assert.That((await h.ApproveAsync(draft.Draft)).IsPermitted, Is.True, "the draft was left pending, so it can be approved later");
    }

    [Test]
    public async Task Inbound_messages_are_decided_as_usual()
    {
        await using var h = await CreateAsync(o => o.Outbound = OutboundSwitch.Never);
        await h.MakeAutonomousAsync(Movistar);
        Assert.That((await h.InboundAsync(Movistar, "Su factura es de 30 €")).IsDelivered, Is.True);
        Assert.That((await h.InboundAsync(Vodafone)).Reason, Is.EqualTo(ReasonCode.UnknownChat));
    }

    [TestCase("outbound", "never", OutboundSwitch.Never)]
    [TestCase("Outbound", "NEVER", OutboundSwitch.Never)]
    [TestCase("outbound", "normal", OutboundSwitch.Normal)]
    public void The_key_reads_in_both_spellings_any_case(string key, string value, OutboundSwitch expected)
    {
        var options = ServiceConversationOptionsReader.ReadAndValidate([new(key, value)], out var errors);
        Assert.That(errors, Is.Empty);
        Assert.That(options!.Outbound, Is.EqualTo(expected));
    }

    [TestCase("sometimes")]
    [TestCase(" never")]
    [TestCase("")]
    public void Another_value_is_an_error_naming_the_key_and_the_choices(string value)
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate([new("outbound", value)], out var errors), Is.Null);
        Assert.That(errors.Single().Key, Is.EqualTo("outbound"));
        Assert.That(errors.Single().Message, Is.EqualTo("must be normal or never"));
    }

    [Test]
    public void A_value_set_in_code_without_a_name_is_an_error()
    {
        var result = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { Outbound = (OutboundSwitch)7 });
        Assert.That(result.Errors.Select(e => e.Key), Does.Contain("outbound"));
    }

    [Test]
    public async Task Policy_loaded_shows_never_and_stays_unchanged_for_normal()
    {
        await using var h = await CreateAsync();
        await SwitchAsync(h, OutboundSwitch.Never);
        Assert.That(h.DrainAudit().Single(e => e.Type == PolicyEventType.PolicyLoaded).Detail, Does.Contain("outbound=never"));
        await SwitchAsync(h, OutboundSwitch.Normal);
        Assert.That(h.DrainAudit().Single(e => e.Type == PolicyEventType.PolicyLoaded).Detail, Does.Not.Contain("outbound"));
    }

    [Test]
    public void A_clone_keeps_the_switch()
        => Assert.That(new ServiceConversationOptions { Outbound = OutboundSwitch.Never }.Clone().Outbound, Is.EqualTo(OutboundSwitch.Never));

    private static async Task SwitchAsync(PolicyHarness h, OutboundSwitch value)
    {
        var options = h.Policy.Options.Clone();
        options.Outbound = value;
        var applied = await h.Policy.ApplyConfigurationAsync(options);
        Assert.That(applied.Accepted, Is.True, applied.Describe());
    }
}
