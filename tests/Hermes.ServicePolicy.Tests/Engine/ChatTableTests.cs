using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Engine;
using Hermes.ServicePolicy.Identity;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.Engine;

/// <summary>The open-addressed chat table behind the inbound hot path's lookup (Engine/ChatTable.cs).</summary>
public class ChatTableTests
{
    private static ChatId Phone(int i) => ChatId.FromPhoneNumber(34_600_000_000UL + (ulong)i);

    private static ChatId Lid(int i) => ChatId.FromLid(100_000_000_000UL + (ulong)i);

    [Test]
    public void Adds_replaces_removes_and_adds_again()
    {
        var table = new ChatTable();
        var chat = Phone(1);
        Assert.That(table.TryGetSlot(chat, out _), Is.False);

        table[chat] = new ChatRecord(chat) { IsService = true };
        Assert.That(table.TryGetSlot(chat, out var slot), Is.True);
        Assert.That(slot!.Chat, Is.EqualTo(chat));
        Assert.That(slot.Record.IsService, Is.True);

        table[chat] = new ChatRecord(chat) { Revoked = true };
        Assert.That(table.TryGetSlot(chat, out var same) && ReferenceEquals(same, slot), Is.True, "a changed record keeps its slot (and its awaiting-reply flag)");
        Assert.That(same!.Record.Revoked, Is.True);
        Assert.That(table.Count, Is.EqualTo(1));

        Assert.That(table.TryRemove(chat, out var removed) && ReferenceEquals(removed, slot), Is.True);
        Assert.That(table.TryRemove(chat, out _), Is.False);
        Assert.That(table.ContainsKey(chat), Is.False);
        Assert.That(table.Count, Is.EqualTo(0));

        table[chat] = new ChatRecord(chat);
        Assert.That(table.TryGetValue(chat, out var record) && !record.Revoked, Is.True, "a new slot after a removal");
        Assert.That(table.Count, Is.EqualTo(1));
    }

    [Test]
    public void A_phone_and_a_lid_with_the_same_digits_are_different_keys()
    {
        var table = new ChatTable();
        var phone = ChatId.FromPhoneNumber(100_000_000_001UL);
        var lid = ChatId.FromLid(100_000_000_001UL);
        table[phone] = new ChatRecord(phone);
        Assert.That(table.ContainsKey(lid), Is.False);
        table[lid] = new ChatRecord(lid) { IsService = true };
        Assert.That(table.TryGetValue(phone, out var p) && !p.IsService, Is.True);
        Assert.That(table.TryGetValue(lid, out var l) && l.IsService, Is.True);
    }

    [Test]
    public void Grows_past_many_chats_and_finds_each_after_removals()
    {
        var table = new ChatTable();
        const int Count = 20_000;
        for (var i = 0; i < Count; i++)
        {
            table[Phone(i)] = new ChatRecord(Phone(i));
            table[Lid(i)] = new ChatRecord(Lid(i));
        }

        for (var i = 0; i < Count; i += 2)
        {
            Assert.That(table.TryRemove(Phone(i), out _), Is.True);
        }

        Assert.That(table.Count, Is.EqualTo(Count + (Count / 2)));
        for (var i = 0; i < Count; i++)
        {
            Assert.That(table.ContainsKey(Phone(i)), Is.EqualTo(i % 2 == 1), $"phone {i}");
            Assert.That(table.TryGetValue(Lid(i), out var record) && record.Chat == Lid(i), Is.True, $"lid {i}");
        }

        var listed = table.Records().Select(r => r.Key).ToHashSet();
        Assert.That(listed, Has.Count.EqualTo(Count + (Count / 2)));
        Assert.That(listed.All(c => c.Kind == ChatKind.Lid || c.PhoneNumber % 2 == 1), Is.True);
        Assert.That(table.Records().All(r => r.Value.Chat == r.Key), Is.True);
    }

    [Test]
    public void Churn_never_fills_the_array_with_tombstones()
    {
        // Every removal leaves a tombstone; an insert that would pass half the array rebuilds it without them. Were
        // that missing, a lookup that misses would probe forever once no empty entry was left.
        var table = new ChatTable();
        var kept = Lid(0);
        table[kept] = new ChatRecord(kept);
        for (var i = 1; i <= 100_000; i++)
        {
            table[Phone(i)] = new ChatRecord(Phone(i));
            Assert.That(table.TryRemove(Phone(i), out _), Is.True);
        }

        Assert.That(table.ContainsKey(Phone(100_001)), Is.False);
        Assert.That(table.ContainsKey(kept), Is.True);
        Assert.That(table.Count, Is.EqualTo(1));
        Assert.That(table.Records().Single().Key, Is.EqualTo(kept));
    }

    [Test]
    public void The_empty_chat_id_is_never_found_even_where_a_removed_slot_lies()
    {
        var table = new ChatTable();
        for (var i = 0; i < 64; i++)
        {
            table[Phone(i)] = new ChatRecord(Phone(i));
            table.TryRemove(Phone(i), out _);
        }

        Assert.That(table.TryGetSlot(default, out _), Is.False);
        Assert.That(table.TryRemove(default, out _), Is.False);
    }

    [Test]
    public async Task Readers_without_a_lock_always_find_the_chats_that_stay_while_a_writer_adds_and_removes()
    {
        var table = new ChatTable();
        const int Stable = 500;
        for (var i = 0; i < Stable; i++)
        {
            table[Lid(i)] = new ChatRecord(Lid(i));
        }

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var checks = 0L;
            while (!stop.IsCancellationRequested || checks == 0)
            {
                for (var i = 0; i < Stable; i++)
                {
                    if (!table.TryGetValue(Lid(i), out var record) || record.Chat != Lid(i))
                    {
                        Interlocked.Increment(ref failures);
                    }

                    // A chat the writer is adding or removing: found or not, but never another chat's slot.
                    if (table.TryGetSlot(Phone(i), out var churned) && churned.Chat != Phone(i))
                    {
                        Interlocked.Increment(ref failures);
                    }

                    checks++;
                }
            }

            return checks;
        })).ToArray();

        var writer = Task.Run(() =>
        {
            for (var round = 0; round < 40; round++)
            {
                for (var i = 0; i < 5_000; i++)
                {
                    table[Phone(i)] = new ChatRecord(Phone(i)) { IsService = round % 2 == 0 };
                }

                for (var i = 0; i < 5_000; i++)
                {
                    table.TryRemove(Phone(i), out _);
                }
            }
        });

        await writer;
        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);
        Assert.That(failures, Is.Zero);
        Assert.That(counts, Has.All.GreaterThan(0));
        Assert.That(table.Count, Is.EqualTo(Stable));
    }

    [Test]
    public async Task Writers_on_several_threads_do_not_lose_each_others_chats()
    {
        var table = new ChatTable();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = t; i < 8_000; i += 4)
            {
                table[Phone(i)] = new ChatRecord(Phone(i));
            }
        })));

        Assert.That(table.Count, Is.EqualTo(8_000));
        var missing = new List<int>();
        for (var i = 0; i < 8_000; i++)
        {
            if (!table.ContainsKey(Phone(i)))
            {
                missing.Add(i);
            }
        }

        Assert.That(missing, Is.Empty);
    }
}
