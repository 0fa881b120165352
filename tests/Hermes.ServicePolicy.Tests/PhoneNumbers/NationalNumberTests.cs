using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.PhoneNumbers;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.PhoneNumbers;

/// <summary>SPEC.md "National phone numbers": the optional package on libphonenumber (issue 17).</summary>
public class NationalNumberTests
{
    private static readonly LibPhoneNumberParser Parser = new();

    private static Task<TargetResolution> ResolveAsync(string region, string target)
        => new ChatTargetResolver(null, null, Parser, region).ResolveAsync(target).AsTask();

    [TestCase("ES", "600 12 34 56", "34600123456")]
    [TestCase("ES", "(600) 123-456", "34600123456")]
    [TestCase("ES", "612 34 56 78", "34612345678")]
    [TestCase("NL", "0612 345 678", "31612345678")]
    [TestCase("NL", "06 12345678", "31612345678")]
    [TestCase("NL", "6 12345678", "31612345678")]
    [TestCase("DE", "030 12345678", "493012345678")]
    [TestCase("DE", "0151 23456789", "4915123456789")]
    [TestCase("DE", "151 23456789", "4915123456789")]
    [TestCase("GB", "07400 123456", "447400123456")]
    [TestCase("GB", "7400 123456", "447400123456")]
    [TestCase("GB", "020 7946 0018", "442079460018")]
    [TestCase("US", "(650) 253-0000", "16502530000")]
    [TestCase("US", "1 650 253 0000", "16502530000")]
    [TestCase("MX", "55 1234 5678", "525512345678")]
    [TestCase("MX", "(55) 1234-5678", "525512345678")]
    [TestCase("IN", "098765 43210", "919876543210")]
    [TestCase("IN", "98765 43210", "919876543210")]
    [TestCase("BR", "(11) 91234-5678", "5511912345678")]
    [TestCase("BR", "011 91234 5678", "5511912345678")]
    [TestCase("IT", "06 1234 5678", "390612345678")]
    public async Task A_national_number_resolves_to_its_international_chat(string region, string target, string international)
    {
        var result = await ResolveAsync(region, target);
        Assert.That(result.IsResolved, Is.True, result.Explain());
        Assert.That(result.Chat.ToString(), Is.EqualTo($"{international}@s.whatsapp.net"));

        var written = await ResolveAsync(region, "+" + international);
        Assert.That(written.Chat, Is.EqualTo(result.Chat), "the same number in international form is the same chat");
        Assert.That((await new ChatTargetResolver(null).ResolveAsync("+" + international)).Chat, Is.EqualTo(result.Chat), "and the same without the package");
    }

    [TestCase("ES", "600 12 34", TargetError.TooShortForRegion)]
    [TestCase("ES", "600 12 34 56 78 90", TargetError.TooLongForRegion)]
    [TestCase("ES", "500 12 34 56", TargetError.NotValidForRegion)]
    [TestCase("NL", "06 1234", TargetError.NotValidForRegion)] // a possible length (short numbers), not in use
    [TestCase("US", "(650) 253-000", TargetError.TooShortForRegion)]
    [TestCase("GB", "07400 12345678", TargetError.TooLongForRegion)]
    [TestCase("DE", "030 1", TargetError.NotValidForRegion)]
    public async Task An_impossible_or_invalid_national_number_is_invalid_with_its_reason(string region, string target, TargetError error)
    {
        var result = await ResolveAsync(region, target);
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Invalid), result.Explain());
        Assert.That(result.Error, Is.EqualTo(error));
        Assert.That(result.Reason, Is.EqualTo(ReasonCode.InvalidTarget));
        Assert.That(result.Explain(), Does.Contain("default region"));
    }

    [Test]
    public async Task Bare_digits_valid_both_ways_are_ambiguous_with_both_candidates()
    {
        // As a German national number 02203 012345; as international, a Gambian number.
        var result = await ResolveAsync("DE", "2203012345");
        Assert.That(result.Kind, Is.EqualTo(TargetResolutionKind.Ambiguous));
        Assert.That(result.Candidates.Select(c => c.ToString()), Is.EqualTo(new[] { "492203012345@s.whatsapp.net", "2203012345@s.whatsapp.net" }));
    }

    [TestCase("ES", "600123456", "34600123456")] // valid only as national
    [TestCase("ES", "34600123456", "34600123456")] // valid only as international (WhatsApp's own form)
    [TestCase("US", "16502530000", "16502530000")] // both readings are one number
    [TestCase("ES", "2203012345", "2203012345")] // valid neither way as national: the core's international reading
    public async Task Bare_digits_take_the_reading_that_is_valid(string region, string target, string international)
    {
        var result = await ResolveAsync(region, target);
        Assert.That(result.IsResolved, Is.True, result.Explain());
        Assert.That(result.Chat.ToString(), Is.EqualTo($"{international}@s.whatsapp.net"));
    }

    [TestCase("+34 500 12 34 56", "34500123456")] // not in Spain's plan, but international input keeps the core's rules
    [TestCase("0034 600 12 34 56", "34600123456")]
    [TestCase("https://wa.me/34600123456", "34600123456")]
    public async Task International_input_keeps_the_core_rules(string target, string international)
    {
        var withRegion = await ResolveAsync("ES", target);
        var without = await new ChatTargetResolver(null).ResolveAsync(target);
        Assert.That(withRegion.Chat.ToString(), Is.EqualTo($"{international}@s.whatsapp.net"));
        Assert.That(withRegion.Chat, Is.EqualTo(without.Chat));
    }

    [Test]
    public async Task Without_a_region_national_numbers_stay_invalid()
    {
        var result = await new ChatTargetResolver(null).ResolveAsync("600 12 34 56");
        Assert.That(result.Error, Is.EqualTo(TargetError.NationalNumber));
    }

    [Test]
    public void A_region_the_parser_does_not_know_is_refused_by_the_resolver()
        => Assert.Throws<ArgumentException>(() => _ = new ChatTargetResolver(null, null, Parser, "XX"));

    // ---- default_region in the configuration ----------------------------------------------------------------------

    [Test]
    public async Task The_policy_resolves_national_targets_and_configured_chats_with_default_region()
    {
        await using var policy = await new ServiceConversationPolicyBuilder()
            .UseInMemoryState()
            .UsePhoneNumbers()
            .WithOptions(new ServiceConversationOptions { Enabled = true, DefaultRegion = "ES", ApprovedChats = ["600 12 34 56"] })
            .BuildAsync();
        var target = await policy.Resolver.ResolveAsync("600 12 34 56");
        Assert.That(target.Chat.ToString(), Is.EqualTo("34600123456@s.whatsapp.net"));
        Assert.That(policy.GetStatus(target.Chat).Status, Is.EqualTo(Hermes.ServicePolicy.Discovery.ServiceChatStatus.DraftFirst), "the configured national entry approves the international chat");

        var reloaded = await policy.ApplyConfigurationAsync(new ServiceConversationOptions { Enabled = true });
        Assert.That(reloaded.Accepted, Is.True);
        Assert.That((await policy.Resolver.ResolveAsync("600 12 34 56")).Error, Is.EqualTo(TargetError.NationalNumber), "a reload without a region turns national numbers off again");
    }

    [TestCase("XX", "ISO 3166")]
    [TestCase("es", "upper case")]
    [TestCase("ESP", "two-letter")]
    public void An_unknown_region_is_a_configuration_error_naming_the_key(string region, string message)
    {
        var result = ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { DefaultRegion = region }, Parser);
        Assert.That(result.Describe(), Does.Contain("default_region").And.Contain(message));
    }

    [Test]
    public void A_region_without_the_package_is_an_error_that_names_the_package()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await new ServiceConversationPolicyBuilder()
            .UseInMemoryState()
            .WithConfiguration([new("default_region", "ES")])
            .BuildAsync());
        Assert.That(ex!.Message, Does.Contain("default_region").And.Contain("Hermes.ServicePolicy.PhoneNumbers"));
    }

    [Test]
    public void Configured_chats_follow_the_same_rule()
    {
        var options = new ServiceConversationOptions { DefaultRegion = "DE", ApprovedChats = ["030 12345678", "2203012345", "030 1"] };
        var errors = ServiceConversationOptionsValidator.Validate(options, Parser).Errors.Select(e => e.ToString()).ToList();
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors[0], Does.Contain("approved_chats:1").And.Contain("ambiguous"));
        Assert.That(errors[1], Does.Contain("approved_chats:2").And.Contain("not valid in the default region"));
        Assert.That(ServiceConversationOptionsValidator.Validate(new ServiceConversationOptions { ApprovedChats = ["030 12345678"] }, Parser).Describe(), Does.Contain("international prefix"), "without a region, national entries stay errors");
    }

    [Test]
    public async Task Microsoft_extensions_registration_enables_the_region_and_its_absence_fails_at_start()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["enabled"] = "true", ["default_region"] = "NL" }).Build();
        await using (var withPackage = new ServiceCollection().AddServiceConversationPolicy(section).AddInMemoryServiceConversationState().AddServiceConversationPhoneNumbers().BuildServiceProvider())
        {
            await withPackage.StartServiceConversationPolicyAsync();
            var resolver = withPackage.GetRequiredService<IChatTargetResolver>();
            Assert.That((await resolver.ResolveAsync("0612 345 678")).Chat.ToString(), Is.EqualTo("31612345678@s.whatsapp.net"));
        }

        await using var without = new ServiceCollection().AddServiceConversationPolicy(section).AddInMemoryServiceConversationState().BuildServiceProvider();
        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => without.StartServiceConversationPolicyAsync());
        Assert.That(ex!.Message, Does.Contain("default_region").And.Contain("Hermes.ServicePolicy.PhoneNumbers"));
    }
}
