using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.State;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Testing.StateStores;

/// <summary>
/// The contract every <see cref="IServiceStateStore"/> keeps (docs/writing-a-state-store.md), as NUnit tests: subclass
/// it, say how to create, reopen and dispose your store, and the built-in stores' tests run against yours. The in-memory,
/// file and PostgreSQL stores of this repository run it.
/// </summary>
/// <remarks>
/// Each test creates its own store with <see cref="CreateStoreAsync"/>, loads it first as the policy does (a store may
/// create its schema then), and disposes every store it opened. Timestamps are
/// whole seconds, so a store that keeps microseconds or milliseconds round-trips them. A store whose
/// <see cref="IServiceStateStore.IsShared"/> is true must also give a second writer over the same state
/// (<see cref="OpenSecondWriterAsync"/>).
/// </remarks>
public abstract class ServiceStateStoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly List<IServiceStateStore> _opened = [];

    /// <summary>Creates a new, empty store for one test.</summary>
    protected abstract ValueTask<IServiceStateStore> CreateStoreAsync();

    /// <summary>Opens the state <paramref name="previous"/> wrote again, as a restarted process would; the kit disposes <paramref name="previous"/> first.</summary>
    protected abstract ValueTask<IServiceStateStore> ReopenStoreAsync(IServiceStateStore previous);

    /// <summary>A second writer over <paramref name="first"/>'s state (another process on a shared database); null for a store with one writer.</summary>
    protected virtual ValueTask<IServiceStateStore?> OpenSecondWriterAsync(IServiceStateStore first) => new((IServiceStateStore?)null);

    /// <summary>Disposes a store the kit opened (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>, if it is either).</summary>
    protected virtual async ValueTask DisposeStoreAsync(IServiceStateStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>Disposes every store the test opened.</summary>
    [TearDown]
    public async Task DisposeOpenedStoresAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            await DisposeStoreAsync(_opened[i]).ConfigureAwait(false);
        }

        _opened.Clear();
    }

    /// <summary>A new store holds nothing: no snapshot, head 0, nothing pruned, nothing to read.</summary>
    [Test]
    public async Task A_new_store_is_empty()
    {
        var store = await NewAsync().ConfigureAwait(false);
        var loaded = await store.LoadAsync().ConfigureAwait(false);
        Assert.That((loaded.Snapshot, loaded.Head, loaded.PrunedThrough), Is.EqualTo(((StateSnapshot?)null, 0L, 0L)));
        Assert.That(await ReadAllAsync(store, 0).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>Appends at the head continue the log; once synced, every field reads back, in order, after any position.</summary>
    [Test]
    public async Task Appends_at_the_head_continue_the_log_and_read_back_exactly_in_order()
    {
        var store = await NewAsync().ConfigureAwait(false);
        var written = Events(1, 5, Start);
        Assert.That((await store.AppendAsync(0, written[..3]).ConfigureAwait(false)).Head, Is.EqualTo(3));
        var second = await store.AppendAsync(3, written[3..]).ConfigureAwait(false);
        Assert.That((second.IsAppended, second.Head), Is.EqualTo((true, 5L)));
        await store.SyncAsync(5).ConfigureAwait(false);

        Assert.That(Json(await ReadAllAsync(store, 0).ConfigureAwait(false)), Is.EqualTo(Json(written)));
        Assert.That(Json(await ReadAllAsync(store, 3).ConfigureAwait(false)), Is.EqualTo(Json(written[3..])), "after a position, exclusive");
        Assert.That(await ReadAllAsync(store, 5).ConfigureAwait(false), Is.Empty);
    }

    /// <summary>An append decided on a position that is no longer the head writes nothing and answers the head.</summary>
    [Test]
    public async Task An_append_at_a_stale_position_is_a_conflict_and_writes_nothing()
    {
        var store = await NewAsync().ConfigureAwait(false);
        await store.AppendAsync(0, Events(1, 2, Start)).ConfigureAwait(false);
        var stale = await store.AppendAsync(1, Events(2, 1, Start)).ConfigureAwait(false);
        Assert.That((stale.IsAppended, stale.Head), Is.EqualTo((false, 2L)));
        await store.SyncAsync(2).ConfigureAwait(false);
        Assert.That((await ReadAllAsync(store, 0).ConfigureAwait(false)).Count, Is.EqualTo(2));
    }

    /// <summary>A batch whose sequences do not follow the position it names is refused (the policy's bug, never written).</summary>
    [Test]
    public async Task A_batch_that_does_not_continue_the_sequence_is_refused()
    {
        var store = await NewAsync().ConfigureAwait(false);
        Assert.That(async () => await store.AppendAsync(0, Events(5, 1, Start)).ConfigureAwait(false), Throws.ArgumentException);
        Assert.That((await store.LoadAsync().ConfigureAwait(false)).Head, Is.EqualTo(0));
    }

    /// <summary>What was synced is there after a reopen, as after a restart: the head, every event.</summary>
    [Test]
    public async Task What_was_synced_survives_a_reopen()
    {
        var store = await NewAsync().ConfigureAwait(false);
        var written = Events(1, 4, Start);
        await store.AppendAsync(0, written).ConfigureAwait(false);
        await store.SyncAsync(4).ConfigureAwait(false);

        var reopened = await ReopenAsync(store).ConfigureAwait(false);
        Assert.That((await reopened.LoadAsync().ConfigureAwait(false)).Head, Is.EqualTo(4));
        Assert.That(Json(await ReadAllAsync(reopened, 0).ConfigureAwait(false)), Is.EqualTo(Json(written)));
        Assert.That((await reopened.AppendAsync(4, Events(5, 1, Start)).ConfigureAwait(false)).Head, Is.EqualTo(5), "and the log goes on");
    }

    /// <summary>The newest snapshot is loaded, its position, time and content exactly as saved; the log stays readable.</summary>
    [Test]
    public async Task The_newest_snapshot_is_loaded_exactly_as_it_was_saved()
    {
        var store = await NewAsync().ConfigureAwait(false);
        await store.AppendAsync(0, Events(1, 4, Start)).ConfigureAwait(false);
        await store.SyncAsync(4).ConfigureAwait(false);
        await store.SaveSnapshotAsync(new StateSnapshot(2, Start.AddSeconds(2), new byte[] { 1, 2, 3 })).ConfigureAwait(false);
        var content = new byte[70_000];
        new Random(7).NextBytes(content);
        await store.SaveSnapshotAsync(new StateSnapshot(4, Start.AddSeconds(4), content)).ConfigureAwait(false);

        var loaded = await (await ReopenAsync(store).ConfigureAwait(false)).LoadAsync().ConfigureAwait(false);
        Assert.That((loaded.Head, loaded.Snapshot?.Position, loaded.Snapshot?.TakenAt), Is.EqualTo((4L, (long?)4, (DateTimeOffset?)Start.AddSeconds(4))));
        Assert.That(loaded.Snapshot!.Content.ToArray(), Is.EqualTo(content));
    }

    /// <summary>A waiter returns at once when the head is past its position, and otherwise when an append passes it.</summary>
    [Test]
    public async Task A_waiter_is_woken_by_an_append_past_its_position()
    {
        var store = await NewAsync().ConfigureAwait(false);
        await store.AppendAsync(0, Events(1, 2, Start)).ConfigureAwait(false);
        await store.SyncAsync(2).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.That(await store.WaitForAppendAsync(1, deadline.Token).ConfigureAwait(false), Is.EqualTo(2));

        var waiting = store.WaitForAppendAsync(2, deadline.Token).AsTask();
        await store.AppendAsync(2, Events(3, 1, Start)).ConfigureAwait(false);
        await store.SyncAsync(3).ConfigureAwait(false);
        Assert.That(await waiting.ConfigureAwait(false), Is.EqualTo(3));

        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await store.WaitForAppendAsync(3, cancelled.Token).ConfigureAwait(false), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>
    /// Retention removes only a prefix of history older than the cut that the kept snapshots no longer need, records how
    /// far it pruned durably, and says so to a read from before it; everything after stays readable.
    /// </summary>
    [Test]
    public async Task Pruning_removes_only_an_old_prefix_the_snapshots_no_longer_need()
    {
        var store = await NewAsync().ConfigureAwait(false);
        var old = Start;
        var recent = Start.AddDays(30);
        await AppendSyncedAsync(store, Events(1, 3, old)).ConfigureAwait(false);
        await store.SaveSnapshotAsync(new StateSnapshot(3, old, new byte[] { 3 })).ConfigureAwait(false);
        await AppendSyncedAsync(store, Events(4, 3, old)).ConfigureAwait(false);
        await store.SaveSnapshotAsync(new StateSnapshot(6, old, new byte[] { 6 })).ConfigureAwait(false);
        await AppendSyncedAsync(store, Events(7, 2, recent)).ConfigureAwait(false);

        var none = await store.PruneHistoryAsync(old).ConfigureAwait(false);
        Assert.That((none.PrunedThrough, none.Events), Is.EqualTo((0L, 0L)), "nothing is older than a cut before every event");

        var pruned = await store.PruneHistoryAsync(recent).ConfigureAwait(false);
        Assert.That(pruned.PrunedThrough, Is.InRange(0, 6), "never past what the snapshots need");
        Assert.That(pruned.Events, Is.EqualTo(pruned.PrunedThrough), "a prefix: every event up to where it pruned");
        Assert.That((await store.PruneHistoryAsync(recent).ConfigureAwait(false)).Events, Is.Zero, "a second prune with the same cut removes nothing more");

        var reopened = await ReopenAsync(store).ConfigureAwait(false);
        var loaded = await reopened.LoadAsync().ConfigureAwait(false);
        Assert.That((loaded.Head, loaded.PrunedThrough, loaded.Snapshot?.Position), Is.EqualTo((8L, pruned.PrunedThrough, (long?)6)));
        Assert.That((await ReadAllAsync(reopened, pruned.PrunedThrough).ConfigureAwait(false)).Count, Is.EqualTo(8 - pruned.PrunedThrough));
        if (pruned.PrunedThrough > 0)
        {
            Assert.That(async () => await ReadAllAsync(reopened, 0).ConfigureAwait(false), Throws.InstanceOf<HistoryPrunedException>());
        }
    }

    /// <summary>Two writers over one shared state: whoever appends second at a position gets the conflict, reads what it missed, and goes on.</summary>
    [Test]
    public async Task Two_writers_over_shared_state_never_both_append_at_one_position()
    {
        var first = await NewAsync().ConfigureAwait(false);
        var second = await OpenSecondWriterAsync(first).ConfigureAwait(false);
        if (second is null)
        {
            Assert.That(first.IsShared, Is.False, "a shared store must give a second writer");
            Assert.Ignore("a store with one writer");
        }

        if (!ReferenceEquals(second, first))
        {
            _opened.Add(second);
        }

        await second.LoadAsync().ConfigureAwait(false);
        Assert.That((first.IsShared, second.IsShared), Is.EqualTo((true, true)));
        await AppendSyncedAsync(first, Events(1, 1, Start)).ConfigureAwait(false);

        var lost = await second.AppendAsync(0, Events(1, 1, Start.AddSeconds(1))).ConfigureAwait(false);
        Assert.That((lost.IsAppended, lost.Head), Is.EqualTo((false, 1L)));
        Assert.That(Json(await ReadAllAsync(second, 0).ConfigureAwait(false)), Is.EqualTo(Json(Events(1, 1, Start))), "it reads what it missed");
        var won = await second.AppendAsync(1, Events(2, 1, Start.AddSeconds(1))).ConfigureAwait(false);
        await second.SyncAsync(2).ConfigureAwait(false);
        Assert.That((won.IsAppended, won.Head), Is.EqualTo((true, 2L)));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.That(await first.WaitForAppendAsync(1, deadline.Token).ConfigureAwait(false), Is.EqualTo(2), "the other writer's append reaches the first");
    }

    /// <summary>Events <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1, of several shapes, at whole seconds from <paramref name="at"/>.</summary>
    protected static PolicyEvent[] Events(long first, int count, DateTimeOffset at)
    {
        var events = new PolicyEvent[count];
        for (var i = 0; i < count; i++)
        {
            var sequence = first + i;
            var chat = ChatId.FromPhoneNumber(34_610_000_000UL + (ulong)sequence);
            events[i] = (sequence % 3) switch
            {
                0 => new PolicyEvent { Sequence = sequence, Type = PolicyEventType.ChatApproved, Timestamp = at.AddSeconds(i), Chat = chat, Actor = "owner", ToMode = ServiceChatMode.Autonomous },
                1 => new PolicyEvent { Sequence = sequence, Type = PolicyEventType.OwnerMessage, Timestamp = at.AddSeconds(i), Chat = chat, Actor = "owner", SessionId = "s-1", Text = "¿Línea\n\"2\"? \u0000 😀" },
                _ => new PolicyEvent { Sequence = sequence, Type = PolicyEventType.SendFailed, Timestamp = at.AddSeconds(i), Chat = chat, Actor = "system", Send = new SendId(1, sequence), Error = "503: Not connected", FirstContact = true },
            };
        }

        return events;
    }

    private async Task<IServiceStateStore> NewAsync()
    {
        var store = await CreateStoreAsync().ConfigureAwait(false);
        _opened.Add(store);
        await store.LoadAsync().ConfigureAwait(false); // the policy's first call
        return store;
    }

    private async Task<IServiceStateStore> ReopenAsync(IServiceStateStore previous)
    {
        _opened.Remove(previous);
        await DisposeStoreAsync(previous).ConfigureAwait(false);
        var store = await ReopenStoreAsync(previous).ConfigureAwait(false);
        _opened.Add(store);
        return store;
    }

    private static async Task AppendSyncedAsync(IServiceStateStore store, PolicyEvent[] events)
    {
        var head = events[0].Sequence - 1;
        Assert.That((await store.AppendAsync(head, events).ConfigureAwait(false)).IsAppended, Is.True);
        await store.SyncAsync(head + events.Length).ConfigureAwait(false);
    }

    private static async Task<List<PolicyEvent>> ReadAllAsync(IServiceStateStore store, long after)
    {
        var events = new List<PolicyEvent>();
        await foreach (var e in store.ReadAsync(after).ConfigureAwait(false))
        {
            events.Add(e);
        }

        return events;
    }

    private static List<string> Json(IEnumerable<PolicyEvent> events)
    {
        var json = new List<string>();
        foreach (var e in events)
        {
            json.Add(e.ToJson());
        }

        return json;
    }
}
