using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;

namespace Hermes.ServicePolicy.State;

/// <summary>The file store's <c>checkpoint.json</c>: the batched counters of a <see cref="PolicyCheckpoint"/>, times as UTC ticks.</summary>
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
            var root = document.RootElement;
            var chats = new List<ChatSendWindow>();
            foreach (var chat in root.GetProperty("chats").EnumerateArray())
            {
                var sends = new List<DateTimeOffset>();
                foreach (var ticks in chat.GetProperty("sends").EnumerateArray())
                {
                    sends.Add(new DateTimeOffset(ticks.GetInt64(), TimeSpan.Zero));
                }

                chats.Add(new ChatSendWindow(ChatId.Parse(chat.GetProperty("chat").GetString()!), sends, chat.GetProperty("consecutive").GetInt32()));
            }

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
                        new DateTimeOffset(permit.GetProperty("confirm_by").GetInt64(), TimeSpan.Zero)));
                }
            }

            return new PolicyCheckpoint(new DateTimeOffset(root.GetProperty("taken_at").GetInt64(), TimeSpan.Zero), new RateLimiterState(chats), blocks) { CappedBlocks = capped, Permits = permits };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentOutOfRangeException)
        {
            throw new StateStoreCorruptedException(path, 0, $"the checkpoint cannot be read ({ex.Message})", ex);
        }
    }

    public static void Write(Utf8JsonWriter writer, PolicyCheckpoint checkpoint)
    {
        writer.WriteStartObject();
        writer.WriteNumber("taken_at", checkpoint.TakenAt.UtcTicks);
        writer.WriteStartArray("chats");
        foreach (var chat in checkpoint.RateLimits.Chats)
        {
            writer.WriteStartObject();
            writer.WriteString("chat", chat.Chat.ToString());
            writer.WriteStartArray("sends");
            foreach (var sent in chat.Sends)
            {
                writer.WriteNumberValue(sent.UtcTicks);
            }

            writer.WriteEndArray();
            writer.WriteNumber("consecutive", chat.Consecutive);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
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
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
