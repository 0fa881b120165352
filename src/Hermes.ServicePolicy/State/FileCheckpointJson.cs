using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.State;

/// <summary>
/// The JSON of a <see cref="PolicyCheckpoint"/>, times as UTC ticks: the previous release's <c>checkpoint.json</c>, and the
/// <c>counters</c> of a <c>counters_saved</c> event.
/// </summary>
internal static class FileCheckpointJson
{
    /// <summary>Reads the checkpoint at <paramref name="path"/>, or null when there is none.</summary>
    /// <exception cref="StateStoreCorruptedException">It exists but cannot be read.</exception>
    public static PolicyCheckpoint? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            throw new StateStoreCorruptedException(path, 0, $"the checkpoint cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>Reads a checkpoint object (the file's root, or a <c>counters_saved</c> event's <c>counters</c>).</summary>
    public static PolicyCheckpoint Read(JsonElement root)
    {
        var rateLimits = ReadRateLimits(root); // the same "chats" array; a checkpoint never carries new_chats
        var blocks = new List<BlockCount>();
        foreach (var block in root.GetProperty("blocks").EnumerateArray())
        {
            if (!ReasonCodes.TryParse(block.GetProperty("reason").GetString(), out var reason))
            {
                throw new FormatException("unknown reason");
            }

            blocks.Add(new BlockCount(
                ChatId.Parse(block.GetProperty("chat").GetString()!),
                reason,
                block.GetProperty("suppressed").GetInt32(),
                new DateTimeOffset(block.GetProperty("last").GetInt64(), TimeSpan.Zero)));
        }

        var capped = new List<CappedBlockCount>();
        if (root.TryGetProperty("capped", out var cappedBlocks))
        {
            foreach (var block in cappedBlocks.EnumerateArray())
            {
                if (!ReasonCodes.TryParse(block.GetProperty("reason").GetString(), out var reason))
                {
                    throw new FormatException("unknown reason");
                }

                capped.Add(new CappedBlockCount(new DateTimeOffset(block.GetProperty("hour").GetInt64(), TimeSpan.Zero), reason, block.GetProperty("count").GetInt32()));
            }
        }

        var permits = new List<OpenPermit>();
        if (root.TryGetProperty("permits", out var openPermits))
        {
            foreach (var permit in openPermits.EnumerateArray())
            {
                if (!SendId.TryParse(permit.GetProperty("send").GetString(), out var send))
                {
                    throw new FormatException("bad send id");
                }

                permits.Add(new OpenPermit(
                    send,
                    ChatId.Parse(permit.GetProperty("chat").GetString()!),
                    permit.GetProperty("text").GetString()!,
                    permit.TryGetProperty("session", out var session) ? session.GetString() : null,
                    permit.GetProperty("initiator").GetString() == "agent" ? Initiator.Agent : Initiator.Operator,
                    new DateTimeOffset(permit.GetProperty("issued").GetInt64(), TimeSpan.Zero),
                    new DateTimeOffset(permit.GetProperty("confirm_by").GetInt64(), TimeSpan.Zero))
                {
                    DecidedAt = permit.TryGetProperty("decided_at", out var decided) ? decided.GetInt64() : 0,
                });
            }
        }

        return new PolicyCheckpoint(new DateTimeOffset(root.GetProperty("taken_at").GetInt64(), TimeSpan.Zero), rateLimits, blocks) { CappedBlocks = capped, Permits = permits };
    }

    public static void Write(Utf8JsonWriter writer, PolicyCheckpoint checkpoint)
    {
        writer.WriteStartObject();
        writer.WriteNumber("taken_at", checkpoint.TakenAt.UtcTicks);
        WriteChatWindows(writer, checkpoint.RateLimits.Chats);
        writer.WriteStartArray("blocks");
        foreach (var block in checkpoint.Blocks)
        {
            writer.WriteStartObject();
            writer.WriteString("chat", block.Chat.ToString());
            writer.WriteString("reason", block.Reason.ToCode());
            writer.WriteNumber("suppressed", block.Suppressed);
            writer.WriteNumber("last", block.LastBlockedAt.UtcTicks);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("capped");
        foreach (var block in checkpoint.CappedBlocks)
        {
            writer.WriteStartObject();
            writer.WriteNumber("hour", block.Hour.UtcTicks);
            writer.WriteString("reason", block.Reason.ToCode());
            writer.WriteNumber("count", block.Count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("permits");
        foreach (var permit in checkpoint.Permits)
        {
            writer.WriteStartObject();
            writer.WriteString("send", permit.Send.ToString());
            writer.WriteString("chat", permit.Chat.ToString());
            writer.WriteString("text", permit.Text);
            if (permit.Session is not null)
            {
                writer.WriteString("session", permit.Session);
            }

            writer.WriteString("initiator", permit.Initiator == Initiator.Agent ? "agent" : "operator");
            writer.WriteNumber("issued", permit.IssuedAt.UtcTicks);
            writer.WriteNumber("confirm_by", permit.ConfirmBy.UtcTicks);
            writer.WriteNumber("decided_at", permit.DecidedAt);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes a rate limiter's state as an object (a snapshot's <c>limiter</c>).</summary>
    public static void WriteRateLimits(Utf8JsonWriter writer, RateLimiterState state)
    {
        writer.WriteStartObject();
        var chats = new List<ChatSendWindow>(state.Chats);
        chats.Sort(static (a, b) => string.CompareOrdinal(a.Chat.ToString(), b.Chat.ToString())); // canonical: snapshots compare byte for byte
        WriteChatWindows(writer, chats);
        if (state.NewChats is { } newChats)
        {
            WriteTimes(writer, "new_chats", newChats);
        }

        writer.WriteEndObject();
    }

    private static void WriteChatWindows(Utf8JsonWriter writer, IReadOnlyList<ChatSendWindow> chats)
    {
        writer.WriteStartArray("chats");
        foreach (var chat in chats)
        {
            writer.WriteStartObject();
            writer.WriteString("chat", chat.Chat.ToString());
            WriteTimes(writer, "sends", chat.Sends);
            writer.WriteNumber("consecutive", chat.Consecutive);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteTimes(Utf8JsonWriter writer, string name, IReadOnlyList<DateTimeOffset> times)
    {
        writer.WriteStartArray(name);
        foreach (var at in times)
        {
            writer.WriteNumberValue(at.UtcTicks);
        }

        writer.WriteEndArray();
    }

    private static List<DateTimeOffset> ReadTimes(JsonElement array)
    {
        var times = new List<DateTimeOffset>(array.GetArrayLength());
        foreach (var ticks in array.EnumerateArray())
        {
            times.Add(new DateTimeOffset(ticks.GetInt64(), TimeSpan.Zero));
        }

        return times;
    }

    /// <summary>Reads what <see cref="WriteRateLimits"/> wrote.</summary>
    public static RateLimiterState ReadRateLimits(JsonElement root)
    {
        var chats = new List<ChatSendWindow>();
        foreach (var chat in root.GetProperty("chats").EnumerateArray())
        {
            chats.Add(new ChatSendWindow(ChatId.Parse(chat.GetProperty("chat").GetString()!), ReadTimes(chat.GetProperty("sends")), chat.GetProperty("consecutive").GetInt32()));
        }

        return new RateLimiterState(chats) { NewChats = root.TryGetProperty("new_chats", out var times) ? ReadTimes(times) : null };
    }
}
