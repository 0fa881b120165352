using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using Hermes.ServicePolicy.RateLimiting;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Engine.Snapshots;

/// <summary>
/// Encodes the whole state projection (docs/state-and-backups.md "Snapshots"): chats, drafts, aliases, names, blocks,
/// open and closed sends, draft handles and the rate limiter's counters, as one JSON document, keys in a fixed order
/// and collections sorted, so two equal states encode to the same bytes (the replay property test compares them).
/// The state is captured inside the journal's gate (<see cref="ProjectionCapture.Take"/>: references to immutable records
/// and copies of the few mutable tables, nothing formatted) and encoded outside it, so a snapshot holds decisions up
/// only as long as the copy takes.
/// </summary>
internal static class ProjectionSnapshotWriter
{
    public const int Version = 1;

    public static byte[] Encode(StateProjection state, IRateLimiterState limiter, long position, DateTimeOffset now)
        => Encode(ProjectionCapture.Take(state, limiter, position, now));

    public static byte[] Encode(ProjectionCapture capture)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteNumber("position", capture.Position);
            WriteChats(w, capture);
            WriteDrafts(w, capture.Drafts);
            WriteAliases(w, capture.Links);
            WriteBlocks(w, capture.Blocks);
            WriteSends(w, capture);
            WriteHandles(w, capture.Handles);
            WriteDecided(w, capture.Decided);
            w.WritePropertyName("limiter");
            FileCheckpointJson.WriteRateLimits(w, capture.Limiter);
            WriteAgentSends(w, capture.AgentSends);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Sorted by the capture; a snapshot written before the pacing keys has no such array and restores none.
    private static void WriteAgentSends(Utf8JsonWriter w, List<AgentSend> sends)
    {
        w.WriteStartArray("agent_sends");
        foreach (var s in sends)
        {
            w.WriteStartArray();
            w.WriteStringValue(s.Chat.ToString());
            w.WriteStringValue(s.Send.ToString());
            w.WriteNumberValue(s.At.UtcTicks);
            w.WriteStringValue(s.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBooleanValue(s.Failed);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteChats(Utf8JsonWriter w, ProjectionCapture capture)
    {
        var chats = new List<(string Key, ChatRecord Record, int Awaiting)>(capture.Chats.Count);
        foreach (var (chat, record, awaiting) in capture.Chats)
        {
            chats.Add((chat.ToString(), record, awaiting));
        }

        chats.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        w.WriteStartArray("chats");
        foreach (var (key, r, awaiting) in chats)
        {
            w.WriteStartObject();
            w.WriteString("chat", key);
            WriteFlag(w, "service", r.IsService);
            if (r.Mode is { } mode)
            {
                w.WriteString("mode", mode.ToCode());
            }

            WriteFlag(w, "paused", r.Paused);
            WriteFlag(w, "revoked", r.Revoked);
            WriteText(w, "session", r.Session);
            WriteTime(w, "session_bound_at", r.SessionBoundAt);
            WriteFlag(w, "sent_since_draft_first", r.SentSinceDraftFirst);
            WriteTime(w, "last_event_at", r.LastEventAt);
            WriteTime(w, "owner_typed_at", r.OwnerTypedAt);
            w.WriteNumber("operator_seq", r.LastOperatorSequence);
            w.WriteNumber("mode_seq", r.ModeSequence);
            w.WriteNumber("awaiting_reply", awaiting);
            w.WriteStartArray("pending");
            foreach (var id in r.PendingDrafts)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var names = new List<KeyValuePair<string, string>>(capture.Names.Count);
        foreach (var (chat, name) in capture.Names)
        {
            names.Add(new(chat.ToString(), name));
        }

        names.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        w.WriteStartObject("names");
        foreach (var (chat, name) in names)
        {
            w.WriteString(chat, name);
        }

        w.WriteEndObject();
    }

    private static void WriteDrafts(Utf8JsonWriter w, List<DraftRecord> drafts)
    {
        drafts.Sort(static (a, b) => string.CompareOrdinal(a.Id.Value, b.Id.Value));
        w.WriteStartArray("drafts");
        foreach (var d in drafts)
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id.Value);
            w.WriteString("chat", d.Chat.ToString());
            w.WriteString("text", d.Text);
            WriteFlag(w, "media", d.HasMedia);
            WriteText(w, "session", d.Session);
            w.WriteNumber("initiator", (int)d.Initiator);
            WriteFlag(w, "first_contact", d.IsFirstContact);
            w.WriteNumber("created", d.CreatedAt.UtcTicks);
            w.WriteNumber("expires", d.ExpiresAt.UtcTicks);
            w.WriteNumber("state", (int)d.State);
            WriteText(w, "handle", d.Handle);
            WriteTime(w, "decided", d.DecidedAt);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteAliases(Utf8JsonWriter w, IReadOnlyList<(Identity.ChatId Phone, Identity.ChatId Lid)> captured)
    {
        var links = new List<(string Phone, string Lid)>(captured.Count);
        foreach (var (phone, lid) in captured)
        {
            links.Add((phone.ToString(), lid.ToString()));
        }

        links.Sort(static (a, b) => string.CompareOrdinal(a.Phone, b.Phone));
        w.WriteStartArray("aliases");
        foreach (var (phone, lid) in links)
        {
            w.WriteStartArray();
            w.WriteStringValue(phone);
            w.WriteStringValue(lid);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteBlocks(Utf8JsonWriter w, BlockLedgerState blocks)
    {
        blocks.Trackers.Sort(static (a, b) => a.Chat != b.Chat ? string.CompareOrdinal(a.Chat.ToString(), b.Chat.ToString()) : a.Reason.CompareTo(b.Reason));
        blocks.LastBlocked.Sort(static (a, b) => string.CompareOrdinal(a.Key.ToString(), b.Key.ToString()));
        blocks.Capped.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        w.WriteStartObject("blocks");
        w.WriteStartArray("pairs");
        foreach (var (chat, reason, lastAudit, suppressed) in blocks.Trackers)
        {
            w.WriteStartArray();
            w.WriteStringValue(chat.ToString());
            w.WriteStringValue(reason.ToCode());
            w.WriteNumberValue(lastAudit);
            w.WriteNumberValue(suppressed);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteStartArray("last_blocked");
        foreach (var (chat, ticks) in blocks.LastBlocked)
        {
            w.WriteStartArray();
            w.WriteStringValue(chat.ToString());
            w.WriteNumberValue(ticks);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteStartObject("capped");
        foreach (var (reason, count) in blocks.Capped)
        {
            w.WriteNumber(reason.ToCode(), count);
        }

        w.WriteEndObject();
        w.WriteNumber("capped_hour", blocks.CappedHour);
        w.WriteNumber("event_hour", blocks.EventHour);
        w.WriteNumber("events_in_hour", blocks.EventsInHour);
        w.WriteEndObject();
    }

    private static void WriteSends(Utf8JsonWriter w, ProjectionCapture capture)
    {
        var open = capture.OpenSends;
        w.WriteStartArray("open_sends");
        foreach (var p in open)
        {
            w.WriteStartObject();
            w.WriteString("send", p.Id.ToString());
            w.WriteString("chat", p.Chat.ToString());
            w.WriteString("text", p.Text);
            WriteText(w, "session", p.Session);
            w.WriteNumber("initiator", (int)p.Initiator);
            WriteFlag(w, "first_contact", p.FirstContact);
            WriteText(w, "draft", p.Draft.Value);
            w.WriteNumber("issued", p.IssuedAt.UtcTicks);
            w.WriteNumber("confirm_by", p.ConfirmBy.UtcTicks);
            w.WriteNumber("decided_at", p.DecidedAt);
            WriteFlag(w, "took_slot", p.TookSlot);
            WriteFlag(w, "bound_session", p.BoundSession);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var closed = new List<(string Id, ClosedSend Closed)>(capture.ClosedSends.Count);
        foreach (var (id, c) in capture.ClosedSends)
        {
            closed.Add((id.ToString(), c));
        }

        closed.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        w.WriteStartArray("closed_sends");
        foreach (var (id, c) in closed)
        {
            w.WriteStartArray();
            w.WriteStringValue(id);
            w.WriteNumberValue((int)c.Outcome);
            w.WriteNumberValue(c.ClosedAt.UtcTicks);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteHandles(Utf8JsonWriter w, List<(string Handle, string DraftId, DateTimeOffset? DecidedAt)> handles)
    {
        handles.Sort(static (a, b) => string.CompareOrdinal(a.Handle, b.Handle));
        w.WriteStartArray("handles");
        foreach (var (handle, draft, decided) in handles)
        {
            w.WriteStartArray();
            w.WriteStringValue(handle);
            w.WriteStringValue(draft);
            if (decided is { } at)
            {
                w.WriteNumberValue(at.UtcTicks);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteDecided(Utf8JsonWriter w, List<(string Id, long Ticks, DraftState State)> decided)
    {
        decided.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        w.WriteStartArray("decided_drafts");
        foreach (var (id, ticks, decidedAs) in decided)
        {
            w.WriteStartArray();
            w.WriteStringValue(id);
            w.WriteNumberValue(ticks);
            w.WriteNumberValue((int)decidedAs);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteFlag(Utf8JsonWriter w, string name, bool value)
    {
        if (value)
        {
            w.WriteBoolean(name, true);
        }
    }

    private static void WriteText(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            w.WriteNumber(name, time.UtcTicks);
        }
    }
}
