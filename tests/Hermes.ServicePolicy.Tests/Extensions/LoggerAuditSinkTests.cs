using System;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Extensions.Logging;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Extensions;

/// <summary>Audit log lines name only what an event has (issue 18: no <c>draft=(null) session=(null)</c>).</summary>
public class LoggerAuditSinkTests
{
    [Test]
    public async Task Absent_ids_are_left_out_and_present_ones_named()
    {
        var logger = new FakeLogger();
        var sink = new LoggerAuditSink(logger);
        var chat = ChatId.Parse("34610000111@s.whatsapp.net");
        var at = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        await sink.WriteAsync(new PolicyEvent { Type = PolicyEventType.ChatPaused, Timestamp = at, Chat = chat, Actor = "owner" });
        await sink.WriteAsync(new PolicyEvent { Type = PolicyEventType.FirstContactDrafted, Timestamp = at, Chat = chat, Actor = "operator", DraftId = "d_abc", SessionId = "s-1" });
        await sink.WriteAsync(new PolicyEvent { Type = PolicyEventType.DraftExpired, Timestamp = at, Chat = chat, Actor = "system", DraftId = "d_def" });

        var messages = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.That(messages, Has.None.Contains("(null)"));
        Assert.That(messages[0], Does.Not.Contain("draft=").And.Not.Contain("session="));
        Assert.That(messages[1], Does.Contain("draft=d_abc session=s-1"));
        Assert.That(messages[2], Does.Contain("draft=d_def").And.Not.Contain("session="));
        Assert.That(messages[0], Does.Not.Contain("34610000111"), "phone numbers are masked");
    }
}
