using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Extensions.Logging;
using Hermes.ServicePolicy.Extensions.Hosting;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Extensions;

/// <summary>The Microsoft.Extensions integration with a real container, real configuration providers and real files.</summary>
public class DependencyInjectionTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-di-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string WriteSettings(string serviceConversations, string name = "appsettings.json")
    {
        // Written to a temporary file and renamed over the settings, as a careful deployment does, so that a file
        // watcher never reads half a file.
        var path = Path.Combine(_directory, name);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, $$"""{ "whatsapp": { "service_conversations": {{serviceConversations}} } }""");
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection>? more = null, FakeLogCollector? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            if (logs is not null)
            {
                builder.AddProvider(new FakeLoggerProvider(logs));
            }
        });
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public async Task Binds_the_source_documents_snake_case_keys_from_a_json_file()
    {
        var settings = WriteSettings($$"""
            {
              "enabled": true,
              "default_mode": "autonomous",
              "approved_chats": ["+34 610 000 111"],
              "approved_patterns": ["+34 1004*"],
              "max_new_service_chats_per_day": 5,
              "allow_media": false,
              "state_directory": "{{Path.Combine(_directory, "state").Replace("\\", "\\\\", StringComparison.Ordinal)}}"
            }
            """);
        var configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
        await using var provider = Build(configuration);
        var policy = await provider.StartServiceConversationPolicyAsync();
        var options = provider.GetRequiredService<IOptions<ServiceConversationOptions>>().Value;
        Assert.That(policy.IsEnabled, Is.True);
        Assert.That((options.DefaultMode, options.MaxNewServiceChatsPerDay, options.AllowMedia), Is.EqualTo((ServiceChatMode.Autonomous, 5, false)));
        Assert.That(options.ApprovedPatterns.Single(), Is.EqualTo("+34 1004*"));
        var decision = await policy.DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34610000111@s.whatsapp.net"), "hola", Initiator.Agent));
        Assert.That(decision.IsPermitted, Is.True);
        Assert.That(File.Exists(Path.Combine(_directory, "state", FileServiceStateStore.LogFileName)), Is.True, "the default store is the durable file store in state_directory");
        Assert.That(provider.GetRequiredService<IServiceStateStore>(), Is.InstanceOf<FileServiceStateStore>());
    }

    [Test]
    public async Task Binds_pascal_case_keys_and_environment_variables()
    {
        const string prefix = "HSPTEST_BIND_";
        Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__ENABLED", "true");
        Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__MAXAUTOSENDSPERCHATPERHOUR", "42");
        Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__COMMAND_PREFIXES__0", "!");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection([new("whatsapp:service_conversations:StateDirectory", Path.Combine(_directory, "state"))])
                .AddEnvironmentVariables(prefix)
                .Build();
            await using var provider = Build(configuration);
            var options = provider.GetRequiredService<IOptions<ServiceConversationOptions>>().Value;
            Assert.That(options.Enabled, Is.True);
            Assert.That(options.MaxAutoSendsPerChatPerHour, Is.EqualTo(42));
            Assert.That(options.CommandPrefixes, Is.EqualTo(new[] { "!" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__ENABLED", null);
            Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__MAXAUTOSENDSPERCHATPERHOUR", null);
            Environment.SetEnvironmentVariable(prefix + "WHATSAPP__SERVICE_CONVERSATIONS__COMMAND_PREFIXES__0", null);
        }
    }

    [TestCase("{ \"enabled\": \"maybe\" }", "enabled", "maybe")]
    [TestCase("{ \"allow_medias\": true }", "allow_medias", "True")]
    [TestCase("{ \"max_new_service_chats_per_day\": 5000 }", "max_new_service_chats_per_day", "5000")]
    [TestCase("{ \"approved_patterns\": [\"*\"] }", "approved_patterns:0", "*")]
    [TestCase("{ \"approved_chats\": [\"Movistar\"] }", "approved_chats:0", "Movistar")]
    public async Task An_invalid_configuration_fails_at_start_naming_key_and_value(string section, string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(WriteSettings(section)).Build();
        using var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath)).AddInMemoryServiceConversationState())
            .Build();
        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(ex!.Message, Does.Contain(key).And.Contain(value));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Options_given_in_code_are_validated_too()
    {
        var services = new ServiceCollection();
        services.AddServiceConversationPolicy(o => o.PendingDraftTtlMinutes = 0).AddInMemoryServiceConversationState();
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => provider.StartServiceConversationPolicyAsync());
        Assert.That(ex!.Message, Does.Contain("pending_draft_ttl_minutes").And.Contain("'0'"));
    }

    [Test]
    public async Task A_changed_json_file_reloads_live_and_an_invalid_change_keeps_the_last_good_one()
    {
        var settings = WriteSettings("{ \"enabled\": true, \"max_new_service_chats_per_day\": 3 }");
        var configuration = new ConfigurationBuilder().AddJsonFile(settings, optional: false, reloadOnChange: true).Build();
        var logs = new FakeLogCollector();
        var audit = new InMemoryAuditSink();
        await using var provider = Build(configuration, s => s.AddInMemoryServiceConversationState().AddSingleton<IAuditSink>(audit), logs);
        await provider.StartServiceConversationPolicyAsync();
        var policy = provider.GetRequiredService<ServiceConversationPolicy>();
        await policy.RevokeAsync(ChatId.Parse("34610000111@s.whatsapp.net"), "owner");

        WriteSettings("{ \"enabled\": true, \"max_new_service_chats_per_day\": 7 }");
        await WaitUntilAsync(() => policy.Options.MaxNewServiceChatsPerDay == 7);
        await policy.FlushAsync();
        Assert.That(policy.GetStatus(ChatId.Parse("34610000111@s.whatsapp.net")).Status, Is.EqualTo(ServiceChatStatus.Revoked), "state is kept");
        Assert.That(audit.Events.Count(e => e.Type == PolicyEventType.PolicyLoaded), Is.EqualTo(2), "one at start, one for the change (repeated watcher events for one save are not applied twice)");

        WriteSettings("{ \"enabled\": true, \"max_new_service_chats_per_day\": -1 }");
        await WaitUntilAsync(async () => await policy.FlushAsync() && audit.Events.Any(e => e.Type == PolicyEventType.PolicyRejected));
        Assert.That(policy.Options.MaxNewServiceChatsPerDay, Is.EqualTo(7));
        await WaitUntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Id == 2003));
        Assert.That(logs.GetSnapshot().First(r => r.Id.Id == 2003).Message, Does.Contain("max_new_service_chats_per_day").And.Contain("-1"));
    }

    [Test]
    public async Task The_logger_audit_sink_uses_stable_event_ids_and_masks_numbers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("whatsapp:service_conversations:enabled", "true")]).Build();
        var logs = new FakeLogCollector();
        await using var provider = Build(configuration, s => s.AddInMemoryServiceConversationState(), logs);
        await provider.StartServiceConversationPolicyAsync();
        var policy = provider.GetRequiredService<ServiceConversationPolicy>();
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34610000111@s.whatsapp.net"), "secreto: mi DNI es 1234", Initiator.Operator));
        await policy.RevokeAsync(ChatId.Parse("34610000111@s.whatsapp.net"), "owner");
        Assert.That(await policy.FlushAsync(), Is.True, "the sinks are fed after the fact; a flush waits for them");

        var records = logs.GetSnapshot().Where(r => r.Category == "Hermes.ServicePolicy.Audit").ToList();
        Assert.That(records.Select(r => (r.Id.Id, r.Id.Name)), Is.EqualTo(new[]
        {
            (1001, "policy_loaded"),
            (1003, "first_contact_drafted"),
            (1019, "chat_revoked"),
            (1007, "first_contact_cancelled"),
        }));
        Assert.That(records.All(r => r.Level == LogLevel.Information), Is.True);
        Assert.That(records[1].Message, Does.Contain("346*****111@s.whatsapp.net").And.Not.Contain("34610000111"));
        Assert.That(string.Join("\n", records.Select(r => r.Message)), Does.Not.Contain("secreto"), "message bodies are never logged");
        Assert.That(draft.Outcome, Is.EqualTo(OutboundOutcome.Draft));
    }

    [Test]
    public async Task Registration_is_idempotent_and_every_piece_can_be_replaced()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("whatsapp:service_conversations:enabled", "true")]).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var recent = new InMemoryRecentChatSource();
        recent.Replace([new RecentChat("34610000111@s.whatsapp.net", "Movistar", false, 1)]);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IRecentChatSource>(recent);
        services.AddInMemoryServiceConversationState();
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        await using var provider = services.BuildServiceProvider();
        Assert.That(() => provider.GetRequiredService<IServiceConversationGate>(), Throws.InvalidOperationException.With.Message.Contains("opens when the host starts"));
        var started = await provider.StartServiceConversationPolicyAsync();

        Assert.That(services.Count(d => d.ServiceType == typeof(ServiceConversationPolicy)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(ServiceConversationPolicyHost)), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IServiceConversationPolicy>(), Is.SameAs(provider.GetRequiredService<ServiceConversationPolicy>()).And.SameAs(started));
        Assert.That(provider.GetRequiredService<IServiceConversationGate>(), Is.SameAs(started));
        Assert.That(provider.GetRequiredService<IServiceConversationOperator>(), Is.SameAs(started));
        Assert.That(provider.GetRequiredService<IServiceConversationQueries>(), Is.SameAs(started));
        Assert.That(provider.GetRequiredService<Hermes.ServicePolicy.Commands.OperatorCommandProcessor>().HelpText(), Does.Contain("/service approve"));
        Assert.That(provider.GetRequiredService<IServiceStateStore>(), Is.InstanceOf<InMemoryServiceStateStore>());
        Assert.That((await provider.GetRequiredService<IChatTargetResolver>().ResolveAsync("Movistar")).Chat.ToString(), Is.EqualTo("34610000111@s.whatsapp.net"));
        Assert.That((await provider.GetRequiredService<IChatDirectory>().ListAsync()).Single().Name, Is.EqualTo("Movistar"));
        var drafted = await provider.GetRequiredService<IServiceConversationPolicy>().DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34610000111@s.whatsapp.net"), "x", Initiator.Operator));
        Assert.That(provider.GetRequiredService<IServiceConversationPolicy>().GetPendingDrafts().Single().CreatedAt, Is.EqualTo(time.GetUtcNow()), "the host's TimeProvider is used");
        Assert.That(drafted.Outcome, Is.EqualTo(OutboundOutcome.Draft));
    }

    [Test]
    public void Chat_masking_keeps_three_digits_at_each_end()
    {
        Assert.That(ChatMasking.Mask(ChatId.Parse("34610000111@s.whatsapp.net")), Is.EqualTo("346*****111@s.whatsapp.net"));
        Assert.That(ChatMasking.Mask(ChatId.Parse("123456789012345@lid")), Is.EqualTo("123*********345@lid"));
        Assert.That(ChatMasking.Mask(ChatId.Parse("12345@lid")), Is.EqualTo("*****@lid"));
        Assert.That(ChatMasking.Mask(ChatId.Parse("120363012345678901@g.us")), Is.EqualTo("120363012345678901@g.us"));
        Assert.That(ChatMasking.Mask(default), Is.EqualTo("-"));
    }

    [Test]
    public async Task Every_key_of_the_section_reaches_the_options_of_the_container()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["whatsapp:service_conversations:enabled"] = "true",
            ["whatsapp:service_conversations:default_mode"] = "autonomous",
            ["whatsapp:service_conversations:approved_chats:0"] = "+34 610 000 111",
            ["whatsapp:service_conversations:approved_patterns:0"] = "+34 1004*",
            ["whatsapp:service_conversations:allow_agent_initiated_service_chats"] = "true",
            ["whatsapp:service_conversations:auto_promote_replied_to_chats"] = "true",
            ["whatsapp:service_conversations:max_new_service_chats_per_day"] = "7",
            ["whatsapp:service_conversations:require_explicit_approval_for_first_contact"] = "false",
            ["whatsapp:service_conversations:allow_media"] = "false",
            ["whatsapp:service_conversations:max_auto_sends_per_chat_per_hour"] = "11",
            ["whatsapp:service_conversations:max_consecutive_agent_sends_without_reply"] = "4",
            ["whatsapp:service_conversations:pending_draft_ttl_minutes"] = "60",
            ["whatsapp:service_conversations:command_prefixes:0"] = "!",
            ["whatsapp:service_conversations:state_directory"] = Path.Combine(_directory, "state"),
            ["whatsapp:service_conversations:operator_chats:0"] = "+34 611 222 333",
            ["whatsapp:service_conversations:operator_command"] = "/hermes",
            ["whatsapp:service_conversations:send_confirmation_minutes"] = "3",
            ["whatsapp:service_conversations:audit_retention_days"] = "90",
            ["whatsapp:service_conversations:default_region"] = "ES",
            ["whatsapp:service_conversations:owner_takeover_minutes"] = "45",
            ["whatsapp:service_conversations:outbound"] = "never",
            ["whatsapp:service_conversations:max_pending_drafts"] = "50",
            ["whatsapp:service_conversations:max_pending_drafts_per_chat"] = "5",
            ["whatsapp:service_conversations:min_seconds_between_agent_sends"] = "20",
            ["whatsapp:service_conversations:send_jitter_seconds"] = "30",
            ["whatsapp:service_conversations:max_agent_sends_per_day"] = "40",
            ["whatsapp:service_conversations:duplicate_send_minutes"] = "15",
        }).Build();
        var services = new ServiceCollection().AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath)).AddServiceConversationPhoneNumbers();
        await using var provider = services.BuildServiceProvider();
        var bound = provider.GetRequiredService<IOptions<ServiceConversationOptions>>().Value;
        var defaults = new ServiceConversationOptions();
        foreach (var property in typeof(ServiceConversationOptions).GetProperties())
        {
            var value = System.Text.Json.JsonSerializer.Serialize(property.GetValue(bound));
            Assert.That(value, Is.Not.EqualTo(System.Text.Json.JsonSerializer.Serialize(property.GetValue(defaults))), $"{property.Name} was not bound");
        }

        Assert.That(ServiceConversationOptionsReader.SnakeCaseKeys, Has.Count.EqualTo(typeof(ServiceConversationOptions).GetProperties().Length), "one key per option");
    }

    [Test]
    public async Task A_locked_state_directory_fails_the_hosts_start_with_its_message_not_the_first_request()
    {
        var state = Path.Combine(_directory, "state");
        using var holder = FileServiceStateStore.Open(state);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("whatsapp:service_conversations:enabled", "true"), new("whatsapp:service_conversations:state_directory", state)]).Build();
        using var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath)))
            .Build();
        var ex = Assert.ThrowsAsync<IOException>(() => host.StartAsync());
        Assert.That(ex!.Message, Does.Contain(state));
        await Task.CompletedTask;
    }

    [Test]
    public async Task The_generic_host_opens_the_policy_at_start_sweeps_on_its_clock_and_closes_it_at_stop()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("whatsapp:service_conversations:enabled", "true"), new("whatsapp:service_conversations:pending_draft_ttl_minutes", "5")]).Build();
        using var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services
                .AddSingleton<TimeProvider>(time)
                .AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath))
                .AddInMemoryServiceConversationState()
                .Configure<ServiceConversationHostOptions>(o => o.SweepInterval = TimeSpan.FromMinutes(1)))
            .Build();
        await host.StartAsync();
        var policy = host.Services.GetRequiredService<IServiceConversationPolicy>();
        var draft = await policy.DecideOutboundAsync(new OutboundRequest(ChatId.Parse("34610000111@s.whatsapp.net"), "hola", Initiator.Operator));
        var store = (InMemoryServiceStateStore)host.Services.GetRequiredService<IServiceStateStore>();
        using var committed = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), ServiceConversationMetrics.MeterName, ServiceConversationMetrics.EventsInstrument);

        // The sweeper's timer runs on the registered clock: moving it past the draft's time to live makes one sweep
        // expire the draft, and the committed event is the awaitable sign that it ran (no sleeping).
        time.Advance(TimeSpan.FromMinutes(6));
        await committed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        Assert.That(store.Events.Single(e => e.Type == PolicyEventType.FirstContactExpired).DraftId, Is.EqualTo(draft.Draft.Value));
        await host.StopAsync();
        Assert.That(() => host.Services.GetRequiredService<ServiceConversationPolicyHost>().Policy, Throws.InvalidOperationException);
    }

    // The file watcher is the operating system's: polling with a deadline is the only way to wait for it.
    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
