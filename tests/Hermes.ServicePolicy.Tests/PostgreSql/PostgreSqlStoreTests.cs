using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Discovery;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.PostgreSql;
using Hermes.ServicePolicy.State;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NUnit.Framework;
using static Hermes.ServicePolicy.Tests.PolicyHarness;

namespace Hermes.ServicePolicy.Tests.PostgreSql;

/// <summary>
/// The PostgreSQL store against a real server (issue 14): the store contract, several policies (each with its own
/// connection pool, as separate processes have) deciding at once as one would, the server stopping under load, a writer
/// dying mid-transaction, and migrations racing.
/// </summary>
[NonParallelizable]
public class PostgreSqlStoreTests
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string _schema = null!;

    [SetUp]
    public void SetUp() => _schema = PostgreSqlSetUp.NewSchema();

    [TearDown]
    public async Task TearDownAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
    }

    private PostgreSqlServiceStateStore NewStore(Action<PostgreSqlStateOptions>? configure = null)
    {
        var options = new PostgreSqlStateOptions { Schema = _schema, PollInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var store = PostgreSqlServiceStateStore.Create(PostgreSqlSetUp.Server.ConnectionString + ";Application Name=" + _schema, options);
        _owned.Add(store);
        return store;
    }

    private async Task<ServiceConversationPolicy[]> OpenAsync(int processes, Action<ServiceConversationOptions>? configure = null, Checks.IOutboundCheck? check = null)
    {
        var time = new FakeTimeProvider(Start);
        var policies = new ServiceConversationPolicy[processes];
        for (var i = 0; i < processes; i++)
        {
            var options = new ServiceConversationOptions { Enabled = true };
            configure?.Invoke(options);
            var builder = new ServiceConversationPolicyBuilder().UsePostgreSqlState(NewStore()).WithOptions(options).WithTimeProvider(time);
            policies[i] = await (check is null ? builder : builder.AddOutboundCheck(check)).BuildAsync();
            _owned.Add(policies[i]);
        }

        return policies;
    }

    private static PolicyEvent Revoked(long sequence) => new() { Sequence = sequence, Type = PolicyEventType.ChatRevoked, Timestamp = Start.AddMinutes(sequence), Chat = Id(Movistar), Actor = "owner" };

    [Test]
    public async Task Appends_at_a_stale_position_conflict_and_reads_stream_in_order()
    {
        var store = NewStore();
        await store.LoadAsync();
        Assert.That((await store.AppendAsync(0, [Revoked(1), Revoked(2)])).IsAppended, Is.True);
        var lost = await store.AppendAsync(1, [Revoked(2)]);
        Assert.That((lost.IsAppended, lost.Head), Is.EqualTo((false, 2L)));
        Assert.That((await store.ReadAllAsync()).Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2 }));

        await using var dataSource = NpgsqlDataSource.Create(PostgreSqlSetUp.Server.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var sql = new NpgsqlCommand($"SELECT type, chat, actor FROM {_schema}.events ORDER BY seq LIMIT 1", connection);
        await using var reader = await sql.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.That((reader.GetString(0), reader.GetString(1), reader.GetString(2)), Is.EqualTo(("chat_revoked", Movistar, "owner")), "the audit trail is plain SQL");
    }

    [Test]
    public async Task Limits_are_exact_and_a_draft_is_approved_once_across_three_processes()
    {
        var policies = await OpenAsync(3, o => (o.MaxAutoSendsPerChatPerHour, o.MaxConsecutiveAgentSendsWithoutReply, o.MaxNewServiceChatsPerDay, o.RequireExplicitApprovalForFirstContact) = (6, 100, 2, true));
        Assert.That((await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        var sends = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () => await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"m{i}", Initiator.Agent)))));
        Assert.That(sends.Count(d => d.IsPermitted), Is.EqualTo(6), "the hourly limit, exactly, across processes");

        var drafts = new List<DraftId>();
        for (var i = 0; i < 4; i++)
        {
            drafts.Add((await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id($"3466100{i:D4}@s.whatsapp.net"), "hola", Initiator.Operator))).Draft);
        }

        var approvals = await Task.WhenAll(drafts.SelectMany(d => Enumerable.Range(0, 3).Select(p => Task.Run(async () => await policies[p].ApproveDraftAsync(d, "owner")))));
        Assert.That(approvals.Count(a => a.IsPermitted), Is.EqualTo(2), "the daily new-chat limit, exactly");
        Assert.That(approvals.Where(a => !a.IsPermitted).Select(a => a.Reason).Distinct(), Is.EquivalentTo(new[] { ReasonCode.DraftAlreadyDecided, ReasonCode.DailyNewChatLimit }));
    }

    [Test]
    public async Task The_agents_daily_cap_and_the_duplicate_guard_are_exact_across_three_processes()
    {
        var policies = await OpenAsync(3, o => (o.MaxAutoSendsPerChatPerHour, o.MaxConsecutiveAgentSendsWithoutReply, o.MaxAgentSendsPerDay, o.DuplicateSendMinutes) = (100, 100, 7, 10));
        Assert.That((await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);
        Assert.That((await policies[1].ApproveChatAsync(Id(Vodafone), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);

        // The same text from every process at once: one permit.
        var same = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => Task.Run(async () => await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "¿Hay avería en mi zona?", Initiator.Agent)))));
        Assert.That(same.Count(d => d.IsPermitted), Is.EqualTo(1), "the duplicate guard, exactly");
        Assert.That(same.Where(d => !d.IsPermitted).Select(d => d.Reason), Is.All.EqualTo(ReasonCode.DuplicateSend));

        // Different texts to two chats from every process: the day's cap (7, one taken above), exactly.
        var sends = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () => await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(i % 2 == 0 ? Movistar : Vodafone), $"consulta {i}", Initiator.Agent)))));
        Assert.That(sends.Count(d => d.IsPermitted), Is.EqualTo(6), "the daily agent cap, exactly, across processes");
        Assert.That(sends.Where(d => !d.IsPermitted).Select(d => d.Reason), Is.All.EqualTo(ReasonCode.DailySendLimit));

        // A process started now reads the day back from the log.
        var late = (await OpenAsync(1, o => (o.MaxAutoSendsPerChatPerHour, o.MaxConsecutiveAgentSendsWithoutReply, o.MaxAgentSendsPerDay) = (100, 100, 7)))[0];
        Assert.That((await late.DecideOutboundAsync(new OutboundRequest(Id(Vodafone), "otra", Initiator.Agent))).Reason, Is.EqualTo(ReasonCode.DailySendLimit));
    }

    [Test]
    public async Task Host_checks_asked_outside_the_gate_keep_the_limits_exact_across_three_processes()
    {
        // A slow check (real time) widens every window between asking and deciding again.
        var check = new SlowCheck(c => c.Text.Contains("revisar", StringComparison.Ordinal) ? Checks.OutboundCheckResult.Hold("review") : Checks.OutboundCheckResult.Allow);
        var policies = await OpenAsync(3, o => (o.MaxAutoSendsPerChatPerHour, o.MaxConsecutiveAgentSendsWithoutReply, o.MaxPendingDraftsPerChat, o.DuplicateSendMinutes) = (6, 100, 100, 0), check);
        Assert.That((await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous)).Ok, Is.True);

        // Held sends from every process at once: each becomes a draft and takes no hourly slot.
        var holds = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () => await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"revisar {i}", Initiator.Agent)))));
        Assert.That(holds.Select(d => (d.Outcome, d.HostReason)), Is.All.EqualTo((OutboundOutcome.Draft, "review")));

        // Allowed sends from every process at once: the hourly limit, exactly, all six slots still free.
        var sends = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () => await policies[i % 3].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"m{i}", Initiator.Agent)))));
        Assert.That(sends.Count(d => d.IsPermitted), Is.EqualTo(6), "the hourly limit, exactly");
        Assert.That(sends.Where(d => !d.IsPermitted).Select(d => d.Reason), Is.All.EqualTo(ReasonCode.HourlySendLimit));
        var held = (await policies[2].ReadHistoryAsync(new HistoryQuery { Types = new HashSet<PolicyEventType> { PolicyEventType.HostHeld } }).ToListAsync()).Count;
        Assert.That(held, Is.EqualTo(12), "one host_held per held send, whichever process wrote it");
    }

    private sealed class SlowCheck(Func<Checks.OutboundCheckContext, Checks.OutboundCheckResult> answer) : Checks.IOutboundCheck
    {
        public async ValueTask<Checks.OutboundCheckResult> CheckAsync(Checks.OutboundCheckContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(10, cancellationToken);
            return answer(context);
        }
    }

    [Test]
    public async Task A_revocation_is_in_force_for_another_process_and_inbound_views_follow_the_push()
    {
        var policies = await OpenAsync(2);
        await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        Assert.That((await policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "1", Initiator.Agent))).IsPermitted, Is.True);
        await policies[0].RevokeAsync(Id(Movistar), "owner");
        Assert.That((await policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "2", Initiator.Agent))).Reason, Is.EqualTo(ReasonCode.Revoked));

        await policies[1].ApproveChatAsync(Id(Vodafone), "owner", ServiceChatMode.Autonomous);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (policies[0].GetStatus(Id(Vodafone)).Status != ServiceChatStatus.Autonomous)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    [Test]
    public async Task A_stopped_server_fails_decisions_closed_and_they_resume_when_it_is_back()
    {
        var policies = await OpenAsync(2, o => o.MaxConsecutiveAgentSendsWithoutReply = 100);
        await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);
        var permitted = new List<SendId>();
        await PostgreSqlSetUp.Server.StopServerAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var decision = await policies[i % 2].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"down {i}", Initiator.Agent));
                Assert.That(decision.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable));
                Assert.That(decision.Error, Is.Not.Null, "the cause is in Error");
            }
        }
        finally
        {
            await PostgreSqlSetUp.Server.StartServerAsync();
        }

        // A pooled connection that the stopped server closed may fail one more decision (closed, policy_unavailable)
        // before the pool notices; within a few attempts each process decides again, with no restart.
        foreach (var policy in policies)
        {
            for (var attempt = 0; ; attempt++)
            {
                var decision = await policy.DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"back {Array.IndexOf(policies, policy)}.{attempt}", Initiator.Agent));
                if (decision.IsPermitted)
                {
                    permitted.Add(decision.Send);
                    break;
                }

                Assert.That(decision.Reason, Is.EqualTo(ReasonCode.PolicyUnavailable), decision.Explain());
                Assert.That(attempt, Is.LessThan(3), "decisions resume within a few attempts once the server is back");
            }
        }

        for (var i = 0; i < 4; i++)
        {
            var decision = await policies[i % 2].DecideOutboundAsync(new OutboundRequest(Id(Movistar), $"up {i}", Initiator.Agent));
            Assert.That(decision.IsPermitted, Is.True, decision.Explain());
            permitted.Add(decision.Send);
        }

        var log = await NewStore().ReadAllAsync();
        Assert.That(log.Count(e => e.Type == PolicyEventType.SendPermitted), Is.EqualTo(permitted.Count), "every acknowledged permit is in the log, nothing else");
    }

    [Test]
    public async Task Processes_migrating_at_once_agree_and_a_newer_schema_is_refused()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToArray();
        await Task.WhenAll(stores.Select(s => s.CreateSchemaAsync()));
        await stores[0].LoadAsync();

        await using (var dataSource = NpgsqlDataSource.Create(PostgreSqlSetUp.Server.ConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var bump = new NpgsqlCommand($"UPDATE {_schema}.schema_version SET version = 99", connection))
        {
            await bump.ExecuteNonQueryAsync();
        }

        var ex = Assert.ThrowsAsync<InvalidOperationException>(async () => await NewStore().LoadAsync());
        Assert.That(ex!.Message, Does.Contain("newer"));
        var manual = Assert.ThrowsAsync<InvalidOperationException>(async () => await NewStore(o => o.MigrateAtStart = false).LoadAsync());
        Assert.That(manual!.Message, Does.Contain("newer"));
    }

    [Test]
    public async Task A_writer_that_dies_mid_transaction_leaves_nothing_and_blocks_no_one()
    {
        var policies = await OpenAsync(2);
        await policies[0].ApproveChatAsync(Id(Movistar), "owner", ServiceChatMode.Autonomous);

        // A writer that dies after inserting its event but before committing: the server rolls the transaction back
        // when its connection goes (terminated here, as when the kernel closes a killed process's socket).
        await using var dataSource = NpgsqlDataSource.Create(PostgreSqlSetUp.Server.ConnectionString + ";Pooling=false");
        var victim = await dataSource.OpenConnectionAsync();
        var transaction = await victim.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand($"INSERT INTO {_schema}.events (seq, time, type, event) SELECT max(seq) + 1, now(), 'chat_approved', '{{}}'::jsonb FROM {_schema}.events", victim, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        int pid;
        await using (var who = new NpgsqlCommand("SELECT pg_backend_pid()", victim, transaction))
        {
            pid = (int)(await who.ExecuteScalarAsync())!;
        }

        var racing = policies[1].DecideOutboundAsync(new OutboundRequest(Id(Movistar), "after", Initiator.Agent)).AsTask();
        await using (var admin = await dataSource.OpenConnectionAsync())
        await using (var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", admin))
        {
            await kill.ExecuteNonQueryAsync();
        }

        Assert.That((await racing).IsPermitted, Is.True, "the other process goes on once the dead one's transaction is rolled back");
        var log = await NewStore().ReadAllAsync();
        Assert.That(log.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, log.Count).Select(i => (long)i)), "no gap, no half-written event");
        await victim.DisposeAsync();
    }

    [Test]
    public async Task An_unreachable_database_fails_the_start_with_a_cause_that_never_shows_the_password()
    {
        var failures = new List<PolicyFailure>();
        await using var store = PostgreSqlServiceStateStore.Create("Host=127.0.0.1;Port=1;Username=gateway;Password=s3cret-pa55;Timeout=2", new PostgreSqlStateOptions { Schema = _schema });
        var ex = Assert.CatchAsync(async () => await new ServiceConversationPolicyBuilder().UsePostgreSqlState(store).OnFailure(failures.Add)
            .WithOptions(new ServiceConversationOptions { Enabled = true }).BuildAsync());
        Assert.That(ex!.ToString(), Does.Not.Contain("s3cret-pa55"));
        Assert.That(failures.Select(f => f.Exception.ToString()), Has.None.Contains("s3cret-pa55"));
    }
}
