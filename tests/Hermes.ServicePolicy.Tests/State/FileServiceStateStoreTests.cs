using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.State;

/// <summary>The file store with real files: round trips, torn records at every offset, corruption, locking, permissions.</summary>
public class FileServiceStateStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("hermes-store-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string LogPath => Path.Combine(_directory, FileServiceStateStore.LogFileName);

    private string MarkPath => Path.Combine(_directory, "log.mark");

    private static PolicyEvent Revoked(long sequence) => new()
    {
        Sequence = sequence,
        Type = PolicyEventType.ChatRevoked,
        Timestamp = T0.AddSeconds(sequence),
        Chat = ChatId.FromPhoneNumber(34600000000UL + (ulong)sequence),
        Actor = "owner",
    };

    // File.AppendAllBytesAsync is net9+; the tests run on net8.0 too.
    private static async Task AppendBytesAsync(string path, byte[] bytes)
    {
        await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
        await stream.WriteAsync(bytes);
    }

    private static async Task AppendBatchesAsync(FileServiceStateStore store, params int[] sizes)
    {
        long sequence = (await store.ReadAllAsync()).Count;
        foreach (var size in sizes)
        {
            var batch = Enumerable.Range(0, size).Select(_ => Revoked(++sequence)).ToArray();
            await store.AppendAsync(batch);
        }
    }

    [Test]
    public async Task Appended_batches_read_back_after_reopening()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await AppendBatchesAsync(store, 1, 3, 2);
        }

        using var reopened = FileServiceStateStore.Open(_directory);
        var events = (await reopened.ReadAllAsync());
        Assert.That(events.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 6).Select(i => (long)i)));
        Assert.That(events[4], Is.EqualTo(Revoked(5)));
        Assert.That(reopened.DroppedTornBytes, Is.Zero);
    }

    [Test]
    public async Task A_record_torn_at_any_byte_after_a_crash_is_dropped_whole_and_the_store_keeps_working()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await AppendBatchesAsync(store, 2);
        }

        // A crash mid-append: the mark is the one written at open (it covers events 1 and 2), the last record is torn.
        byte[] whole, mark;
        using (var store = FileServiceStateStore.Open(_directory))
        {
            mark = await File.ReadAllBytesAsync(MarkPath);
            await store.AppendAsync([Revoked(3), Revoked(4), Revoked(5)]);
            whole = await File.ReadAllBytesAsync(LogPath);
        }

        var lastStart = Array.LastIndexOf(whole, (byte)'\n', whole.Length - 2) + 1;
        for (var cut = lastStart; cut < whole.Length; cut++)
        {
            await File.WriteAllBytesAsync(LogPath, whole[..cut]);
            await File.WriteAllBytesAsync(MarkPath, mark);
            using (var store = FileServiceStateStore.Open(_directory))
            {
                var events = (await store.ReadAllAsync());
                Assert.That(events.Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2 }), $"cut at {cut}");
                Assert.That(store.DroppedTornBytes, Is.EqualTo(cut - lastStart));
                await store.AppendAsync([Revoked(3)]);
            }

            using (var again = FileServiceStateStore.Open(_directory))
            {
                Assert.That((await again.ReadAllAsync()).Select(e => e.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }), $"append after cut at {cut}");
            }
        }
    }

    [Test]
    public async Task A_flipped_byte_in_the_middle_stops_the_store_from_opening_naming_file_and_offset()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await AppendBatchesAsync(store, 1, 1, 1);
        }

        var bytes = await File.ReadAllBytesAsync(LogPath);
        var secondStart = Array.IndexOf(bytes, (byte)'\n') + 1;
        bytes[secondStart + 30] ^= 0x20;
        await File.WriteAllBytesAsync(LogPath, bytes);

        var ex = Assert.Throws<StateStoreCorruptedException>(() => FileServiceStateStore.Open(_directory));
        Assert.That(ex!.Path, Is.EqualTo(LogPath));
        Assert.That(ex.Offset, Is.EqualTo(secondStart));
        Assert.That(ex.Message, Does.Contain(LogPath).And.Contain(secondStart.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(new FileInfo(LogPath).Length, Is.EqualTo(bytes.Length), "a corrupt log is never truncated");
    }

    [Test]
    public async Task An_unknown_record_type_with_a_good_checksum_is_corruption_not_a_torn_tail()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await AppendBatchesAsync(store, 1);
        }

        var body = "[{\"seq\":2,\"type\":\"chat_teleported\",\"time\":\"2026-01-01T00:00:00Z\"}]"u8.ToArray();
        var line = System.Text.Encoding.ASCII.GetBytes(Crc32.Compute(body).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + " ").Concat(body).Append((byte)'\n').ToArray();
        await AppendBytesAsync(LogPath, line);
        var ex = Assert.Throws<StateStoreCorruptedException>(() => FileServiceStateStore.Open(_directory));
        Assert.That(ex!.Message, Does.Contain("chat_teleported"));
    }

    [Test]
    public async Task A_sequence_gap_is_corruption()
    {
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await AppendBatchesAsync(store, 1);
        }

        await AppendBytesAsync(LogPath, FileRecords.Encode([Revoked(5)]));
        Assert.That(Assert.Throws<StateStoreCorruptedException>(() => FileServiceStateStore.Open(_directory))!.Message, Does.Contain("expected event 2"));
    }

    [Test]
    public void A_second_store_on_the_same_directory_is_refused_with_a_clear_error()
    {
        using var first = FileServiceStateStore.Open(_directory);
        var ex = Assert.Throws<IOException>(() => FileServiceStateStore.Open(_directory));
        Assert.That(ex!.Message, Does.Contain("already open"));
    }

    [Test]
    public async Task Appends_out_of_sequence_are_refused()
    {
        using var store = FileServiceStateStore.Open(_directory);
        Assert.That((await store.AppendAsync(1, [Revoked(2)])).IsAppended, Is.False, "decided on a position the log never reached: a conflict");
        Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(0, [Revoked(2)]), "a batch that does not continue the log");
        await store.AppendAsync([Revoked(1)]);
    }

    [Test]
    public async Task A_previous_release_checkpoint_is_read_until_a_snapshot_exists()
    {
        var checkpoint = new PolicyCheckpoint(
            T0,
            new RateLimiterState([new ChatSendWindow(ChatId.Parse("34600123456@s.whatsapp.net"), [T0, T0.AddMinutes(1)], 2)]),
            [new BlockCount(ChatId.Parse("1@lid"), ReasonCode.UnknownChat, 7, T0.AddMinutes(5))]);
        using (var store = FileServiceStateStore.Open(_directory))
        {
            await store.AppendAsync([Revoked(1)]);
        }

        AtomicJsonFile.Write(Path.Combine(_directory, FileServiceStateStore.CheckpointFileName), w => FileCheckpointJson.Write(w, checkpoint));
        using var reopened = FileServiceStateStore.Open(_directory);
        var loaded = (await reopened.LoadAsync()).LegacyCheckpoint!;
        Assert.That(loaded.TakenAt, Is.EqualTo(T0));
        Assert.That(loaded.RateLimits.Chats.Single().Sends, Is.EqualTo(checkpoint.RateLimits.Chats[0].Sends));
        Assert.That(loaded.RateLimits.Chats.Single().Consecutive, Is.EqualTo(2));
        Assert.That(loaded.Blocks.Single(), Is.EqualTo(checkpoint.Blocks[0]));

        await reopened.SaveSnapshotAsync(new StateSnapshot(1, T0, new byte[] { 1, 2, 3 }));
        Assert.That((await reopened.LoadAsync()).LegacyCheckpoint, Is.Null, "the snapshot holds the counters from then on");
    }

    [Test]
    public async Task A_damaged_checkpoint_stops_loading()
    {
        FileServiceStateStore.Open(_directory).Dispose();
        await File.WriteAllTextAsync(Path.Combine(_directory, FileServiceStateStore.CheckpointFileName), "{\"taken_at\":");
        using var store = FileServiceStateStore.Open(_directory);
        Assert.ThrowsAsync<StateStoreCorruptedException>(async () => await store.LoadAsync());
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_directory_and_log_are_owner_only()
    {
        var nested = Path.Combine(_directory, "state");
        using var store = FileServiceStateStore.Open(nested);
        Assert.That(File.GetUnixFileMode(nested), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(Path.Combine(nested, FileServiceStateStore.LogFileName)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void The_default_directory_is_per_user()
    {
        Assert.That(FileServiceStateStore.ResolveDirectory(""), Is.EqualTo(FileServiceStateStore.DefaultDirectory));
        Assert.That(FileServiceStateStore.DefaultDirectory, Does.EndWith("Hermes.ServicePolicy"));
        Assert.That(FileServiceStateStore.DefaultDirectory, Does.StartWith(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify)));
        Assert.That(FileServiceStateStore.ResolveDirectory("relative/dir"), Is.EqualTo(Path.GetFullPath("relative/dir")));
    }

    [Test]
    public async Task A_full_disk_fails_the_append_and_leaves_no_partial_record()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/dev/full"), Is.True, "needs /dev/full");
        File.CreateSymbolicLink(LogPath, "/dev/full");
        using var store = FileServiceStateStore.Open(_directory);
        Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync([Revoked(1)]));
        Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync([Revoked(1)]), "still failing, never half-written");
        await Task.CompletedTask;
    }

    internal static IReadOnlyList<PolicyEvent> Events(int count) => Enumerable.Range(1, count).Select(i => Revoked(i)).ToArray();
}
