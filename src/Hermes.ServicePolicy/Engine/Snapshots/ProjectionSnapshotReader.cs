using System;
using System.Globalization;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.Json;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine.Snapshots;

/// <summary>
/// Restores what <see cref="ProjectionSnapshotWriter"/> encoded into an empty projection and rate limiter, before any
/// decision. A snapshot that does not read completely is refused as a whole (the store's checksum already vouched for
/// its bytes, so this means a snapshot of another version): the policy never starts from part of a state.
/// </summary>
internal static class ProjectionSnapshotReader
{
    /// <exception cref="StateStoreCorruptedException">The snapshot cannot be read.</exception>
    public static long Restore(StateSnapshot snapshot, StateProjection state, IRateLimiterState limiter)
    {
        try
        {
            using var document = JsonDocument.Parse(snapshot.Content);
            var root = document.RootElement;
            if (root.GetProperty("version").GetInt32() != ProjectionSnapshotWriter.Version || root.GetProperty("position").GetInt64() != snapshot.Position)
            {
                throw new FormatException("it is of another version or position");
            }

            ReadAliases(root.GetProperty("aliases"), state);
            ReadChats(root, state);
            ReadDrafts(root.GetProperty("drafts"), state);
            state.Blocks.Import(ReadBlocks(root.GetProperty("blocks")));
            ReadSends(root, state);
            foreach (var handle in root.GetProperty("handles").EnumerateArray())
            {
                state.Handles.Import(handle[0].GetString()!, handle[1].GetString()!, handle.GetArrayLength() > 2 ? Time(handle[2]) : null);
            }

            foreach (var decided in root.GetProperty("decided_drafts").EnumerateArray())
            {
                state.Decided.Remember(decided[0].GetString()!, Time(decided[1]), (DraftState)decided[2].GetInt32());
            }

            limiter.RestoreState(FileCheckpointJson.ReadRateLimits(root.GetProperty("limiter")));
            if (root.TryGetProperty("agent_sends", out var agentSends))
            {
                ReadAgentSends(agentSends, state);
            }

            return snapshot.Position;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or IndexOutOfRangeException)
        {
            throw new StateStoreCorruptedException($"The snapshot at event {snapshot.Position} cannot be read ({ex.Message}); the policy will not start from part of a state.", ex);
        }
    }

    private static void ReadAgentSends(JsonElement sends, StateProjection state)
    {
        var read = new List<AgentSend>(sends.GetArrayLength());
        foreach (var s in sends.EnumerateArray())
        {
            var fingerprint = ulong.TryParse(s[3].GetString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var f) ? f : throw new FormatException("bad text fingerprint");
            read.Add(new AgentSend(Chat(s[0]), Send(s[1]), Time(s[2]), fingerprint, s[4].GetBoolean()));
        }

        state.AgentSends.Restore(read);
    }

    private static void ReadAliases(JsonElement aliases, StateProjection state)
    {
        foreach (var pair in aliases.EnumerateArray())
        {
            state.Aliases.TryLink(Chat(pair[0]), Chat(pair[1]));
        }
    }

    private static void ReadChats(JsonElement root, StateProjection state)
    {
        foreach (var c in root.GetProperty("chats").EnumerateArray())
        {
            var chat = Chat(c.GetProperty("chat"));
            var pending = ImmutableList.CreateBuilder<string>();
            foreach (var id in c.GetProperty("pending").EnumerateArray())
            {
                pending.Add(id.GetString()!);
            }

            state.Chats[chat] = new ChatRecord(chat)
            {
                IsService = Flag(c, "service"),
                Mode = c.TryGetProperty("mode", out var mode) ? Mode(mode) : null,
                Paused = Flag(c, "paused"),
                Revoked = Flag(c, "revoked"),
                Session = Text(c, "session"),
                SessionBoundAt = OptionalTime(c, "session_bound_at"),
                SentSinceDraftFirst = Flag(c, "sent_since_draft_first"),
                LastEventAt = OptionalTime(c, "last_event_at"),
                OwnerTypedAt = OptionalTime(c, "owner_typed_at"),
                LastOperatorSequence = c.GetProperty("operator_seq").GetInt64(),
                ModeSequence = c.GetProperty("mode_seq").GetInt64(),
                PendingDrafts = pending.ToImmutable(),
            };
            if (state.Chats.TryGetSlot(chat, out var slot))
            {
                slot.AwaitingReply = c.GetProperty("awaiting_reply").GetInt32();
            }
        }

        foreach (var name in root.GetProperty("names").EnumerateObject())
        {
            state.Names[ChatId.Parse(name.Name)] = name.Value.GetString()!;
        }
    }

    private static void ReadDrafts(JsonElement drafts, StateProjection state)
    {
        foreach (var d in drafts.EnumerateArray())
        {
            var id = d.GetProperty("id").GetString()!;
            state.Drafts[id] = new DraftRecord(
                new DraftId(id), Chat(d.GetProperty("chat")), d.GetProperty("text").GetString()!, Flag(d, "media"), Text(d, "session"),
                (Initiator)d.GetProperty("initiator").GetInt32(), Flag(d, "first_contact"), Time(d.GetProperty("created")), Time(d.GetProperty("expires")),
                (DraftState)d.GetProperty("state").GetInt32(), Text(d, "handle"))
            {
                DecidedAt = OptionalTime(d, "decided"),
            };
        }
    }

    private static BlockLedgerState ReadBlocks(JsonElement b)
    {
        var trackers = new List<(ChatId, ReasonCode, long, int)>();
        foreach (var t in b.GetProperty("pairs").EnumerateArray())
        {
            trackers.Add((Chat(t[0]), Reason(t[1]), t[2].GetInt64(), t[3].GetInt32()));
        }

        var last = new List<KeyValuePair<ChatId, long>>();
        foreach (var l in b.GetProperty("last_blocked").EnumerateArray())
        {
            last.Add(new(Chat(l[0]), l[1].GetInt64()));
        }

        var capped = new List<KeyValuePair<ReasonCode, int>>();
        foreach (var c in b.GetProperty("capped").EnumerateObject())
        {
            capped.Add(new(ReasonCodes.TryParse(c.Name, out var reason) ? reason : throw new FormatException("unknown reason"), c.Value.GetInt32()));
        }

        return new BlockLedgerState(trackers, last, capped, b.GetProperty("capped_hour").GetInt64(), b.GetProperty("event_hour").GetInt64(), b.GetProperty("events_in_hour").GetInt32());
    }

    private static void ReadSends(JsonElement root, StateProjection state)
    {
        foreach (var p in root.GetProperty("open_sends").EnumerateArray())
        {
            var pending = new PendingSend(
                Send(p.GetProperty("send")), Chat(p.GetProperty("chat")), p.GetProperty("text").GetString()!, Text(p, "session"),
                (Initiator)p.GetProperty("initiator").GetInt32(), Flag(p, "first_contact"),
                Text(p, "draft") is { } draft ? new DraftId(draft) : default,
                Time(p.GetProperty("issued")), Time(p.GetProperty("confirm_by")), p.GetProperty("decided_at").GetInt64())
            {
                TookSlot = Flag(p, "took_slot"),
                BoundSession = Flag(p, "bound_session"),
            };
            state.Sends.AddDurable(pending);
        }

        foreach (var c in root.GetProperty("closed_sends").EnumerateArray())
        {
            state.Sends.AddClosed(Send(c[0]), new ClosedSend((SendOutcome)c[1].GetInt32(), Time(c[2])));
        }
    }

    private static ChatId Chat(JsonElement e) => ChatId.Parse(e.GetString()!);

    private static SendId Send(JsonElement e) => SendId.TryParse(e.GetString(), out var id) ? id : throw new FormatException("bad send id");

    private static ReasonCode Reason(JsonElement e) => ReasonCodes.TryParse(e.GetString(), out var reason) ? reason : throw new FormatException("unknown reason");

    private static ServiceChatMode Mode(JsonElement e) => ServiceChatModes.TryParse(e.GetString(), out var mode) ? mode : throw new FormatException("unknown mode");

    private static DateTimeOffset Time(JsonElement e) => new(e.GetInt64(), TimeSpan.Zero);

    private static DateTimeOffset? OptionalTime(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? Time(value) : null;

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.GetBoolean();

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? value.GetString() : null;
}
