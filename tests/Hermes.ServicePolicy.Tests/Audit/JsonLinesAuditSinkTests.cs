using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Audit;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Audit;

public class JsonLinesAuditSinkTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-audit-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Writes_one_readable_json_line_per_event_that_reads_back_equal()
    {
        var path = Path.Combine(_directory, "nested", "audit.jsonl");
        var events = new[]
        {
            new PolicyEvent
            {
                Sequence = 1, Type = PolicyEventType.FirstContactDrafted, Timestamp = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero),
                Chat = ChatId.Parse("34610000111@s.whatsapp.net"), Actor = "operator", DraftId = "d_x", SessionId = "s-42", Text = "Hola, ¿qué tal?",
                Initiator = Initiator.Operator, ExpiresAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), HasMedia = true,
            },
            new PolicyEvent
            {
                Sequence = 2, Type = PolicyEventType.OutboundDenied, Timestamp = new DateTimeOffset(2026, 11, 24, 9, 0, 1, TimeSpan.Zero),
                Chat = ChatId.Parse("34610000111@s.whatsapp.net"), Actor = "agent", Reason = ReasonCode.HourlySendLimit, RetryAfter = TimeSpan.FromMinutes(59),
            },
            new PolicyEvent
            {
                Sequence = 3, Type = PolicyEventType.AliasLinked, Timestamp = new DateTimeOffset(2026, 11, 24, 9, 0, 2, TimeSpan.Zero),
                Chat = ChatId.Parse("34610000111@s.whatsapp.net"), Alias = ChatId.Parse("1234@lid"), Actor = "system",
            },
            new PolicyEvent
            {
                Sequence = 4, Type = PolicyEventType.ModeChanged, Timestamp = new DateTimeOffset(2026, 11, 24, 9, 0, 3, TimeSpan.Zero),
                Chat = ChatId.Parse("34610000111@s.whatsapp.net"), Actor = "owner", FromMode = ServiceChatMode.DraftFirst, ToMode = ServiceChatMode.Autonomous, Count = 2, Detail = "d",
            },
        };

        await using (var sink = new JsonLinesAuditSink(path))
        {
            foreach (var e in events)
            {
                await sink.WriteAsync(e);
            }
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[0], Does.Contain("\"type\":\"first_contact_drafted\"").And.Contain("¿qué tal?"));
        Assert.That(lines[1], Does.Contain("\"retry_after\":\"PT59M\"").And.Contain("\"reason\":\"hourly_send_limit\""));
        var read = lines.Select(l => PolicyEventJson.Read(JsonDocument.Parse(l).RootElement)).ToArray();
        Assert.That(read, Is.EqualTo(events));
    }

    [Test]
    public async Task Appends_to_an_existing_file()
    {
        var path = Path.Combine(_directory, "audit.jsonl");
        foreach (var seq in new[] { 1L, 2L })
        {
            using var sink = new JsonLinesAuditSink(path);
            await sink.WriteAsync(new PolicyEvent { Sequence = seq, Type = PolicyEventType.PolicyLoaded, Timestamp = DateTimeOffset.UnixEpoch, Actor = "system" });
        }

        Assert.That(await File.ReadAllLinesAsync(path), Has.Length.EqualTo(2));
    }

    [Test]
    public void Reading_an_unknown_type_is_a_format_error()
    {
        using var doc = JsonDocument.Parse("{\"seq\":1,\"type\":\"chat_teleported\",\"time\":\"2026-01-01T00:00:00Z\"}");
        Assert.Throws<FormatException>(() => PolicyEventJson.Read(doc.RootElement));
    }
}
