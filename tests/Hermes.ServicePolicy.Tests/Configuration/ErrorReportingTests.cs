using System.Collections.Generic;
using System.Linq;
using Hermes.ServicePolicy.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Configuration;

/// <summary>Configuration errors in one pass, each once, with the nearest key for a misspelt one (issue 18).</summary>
public class ErrorReportingTests
{
    private static readonly KeyValuePair<string, string?>[] Broken =
    [
        new("enabled", "maybe"),
        new("approved_chats:0", "Movistar"),
        new("max_new_service_chats_per_day", "5000"),
        new("approved_patterns:0", "*"),
        new("allow_medias", "true"),
    ];

    [Test]
    public void Every_error_shows_in_one_pass_and_each_once()
    {
        Assert.That(ServiceConversationOptionsReader.ReadAndValidate(Broken, out var errors), Is.Null);
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "enabled", "approved_chats:0", "max_new_service_chats_per_day", "approved_patterns:0", "allow_medias" }));
    }

    [TestCase("allow_medias", "allow_media")]
    [TestCase("max_auto_send_per_chat_per_hour", "max_auto_sends_per_chat_per_hour")]
    [TestCase("AllowMedias", "AllowMedia")]
    [TestCase("defualt_mode", "default_mode")]
    [TestCase("comand_prefixes", "command_prefixes")]
    public void A_misspelt_key_suggests_the_nearest_one(string given, string nearest)
    {
        ServiceConversationOptionsReader.Read([new(given, "x")], out var errors);
        Assert.That(errors.Single().Message, Is.EqualTo($"unknown key; did you mean '{nearest}'?"));
    }

    [Test]
    public void A_key_that_is_not_a_typo_lists_the_keys()
    {
        ServiceConversationOptionsReader.Read([new("favourite_colour", "blue")], out var errors);
        Assert.That(errors.Single().Message, Does.StartWith("unknown key; the keys are enabled, default_mode"));
    }

    [Test]
    public void The_policy_refuses_a_reload_with_every_error_at_once()
    {
        var ex = Assert.ThrowsAsync<System.InvalidOperationException>(async () => await new Hermes.ServicePolicy.Policy.ServiceConversationPolicyBuilder().UseInMemoryState().WithConfiguration(Broken).BuildAsync());
        foreach (var key in new[] { "enabled", "approved_chats:0", "max_new_service_chats_per_day", "approved_patterns:0", "allow_medias" })
        {
            Assert.That(ex!.Message, Does.Contain(key));
        }
    }

    [Test]
    public void Microsoft_extensions_reports_every_error_once_at_start()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(Broken).Build();
        using var services = new ServiceCollection().AddServiceConversationPolicy(section).AddInMemoryServiceConversationState().BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<ServiceConversationOptions>>().Value);
        var failures = ex!.Failures.ToList();
        Assert.That(failures, Has.Count.EqualTo(5), string.Join("\n", failures));
        foreach (var key in new[] { "enabled", "approved_chats:0", "max_new_service_chats_per_day", "approved_patterns:0", "allow_medias" })
        {
            Assert.That(failures.Count(f => f.Contains($":{key}", System.StringComparison.Ordinal)), Is.EqualTo(1), key);
        }
    }
}
