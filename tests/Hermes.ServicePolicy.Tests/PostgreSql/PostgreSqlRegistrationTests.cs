using System.Collections.Generic;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.PostgreSql;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>The Microsoft.Extensions registration: a named connection string from <c>ConnectionStrings</c>, against the real server.</summary>
[NonParallelizable]
public class PostgreSqlRegistrationTests
{
    [Test]
    public async Task A_host_puts_its_policy_on_postgresql_with_a_named_connection_string()
    {
        var schema = PostgreSqlSetUp.NewSchema();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:ServicePolicy"] = PostgreSqlSetUp.Server.ConnectionString,
            ["whatsapp:service_conversations:enabled"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddServiceConversationPolicy(configuration.GetSection(ServiceConversationOptions.SectionPath));
        services.AddServiceConversationPostgreSqlState("ServicePolicy", o => o.Schema = schema);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var policy = await provider.StartServiceConversationPolicyAsync();
        Assert.That(provider.GetRequiredService<IServiceStateStore>(), Is.InstanceOf<PostgreSqlServiceStateStore>());
        Assert.That((await policy.ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        var events = await provider.GetRequiredService<IServiceStateStore>().ReadAllAsync();
        Assert.That(events, Has.Some.Matches<PolicyEvent>(e => e.Type == PolicyEventType.ChatApproved));
    }
}
