using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text.Json;
using Hermes.ServicePolicy.Identity;

namespace Hermes.ServicePolicy.HermesBridge.Transport;

/// <summary>
/// The phone ↔ LID pairs Baileys writes into the bridge's session folder (docs/bridge-interface.md §4): <c>lid-mapping-&lt;phone&gt;.json</c>
/// holds the LID digits, <c>lid-mapping-&lt;lid&gt;_reverse.json</c> the phone digits, each as a JSON string. Read again
/// when the folder changed. The gateway passes the other id as an event's alternate JID, so the policy links a pair
/// only when one side is a chat it knows (docs/behaviour.md, aliases).
/// </summary>
internal sealed class LidMappingFiles
{
    private readonly string? _directory;
    private readonly ConcurrentDictionary<ChatId, ChatId> _other = new();
    private DateTime _readAt = DateTime.MinValue;

    public LidMappingFiles(string? directory) => _directory = directory;

    /// <summary>The other id of <paramref name="chat"/>, reading the folder again first if it changed.</summary>
    public ChatId AlternateOf(ChatId chat)
    {
        Refresh();
        return _other.TryGetValue(chat, out var other) ? other : default;
    }

    private void Refresh()
    {
        if (_directory is null || !Directory.Exists(_directory))
        {
            return;
        }

        var changed = Directory.GetLastWriteTimeUtc(_directory);
        if (changed <= _readAt)
        {
            return;
        }

        _readAt = changed;
        foreach (var path in Directory.EnumerateFiles(_directory, "lid-mapping-*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(path)["lid-mapping-".Length..];
            var reverse = name.EndsWith("_reverse", StringComparison.Ordinal);
            var digits = reverse ? name[..^"_reverse".Length] : name;
            string? value;
            try
            {
                value = JsonSerializer.Deserialize(File.ReadAllText(path), Client.BridgeJson.Default.String);
            }
            catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                continue; // being written by Baileys right now: read at the next change
            }

            if (value is null || !ulong.TryParse(digits, out var key) || !ulong.TryParse(value, out var other))
            {
                continue;
            }

            var (phone, lid) = reverse ? (other, key) : (key, other);
            if (phone is < 1_000_000 or > 999_999_999_999_999)
            {
                continue;
            }

            var phoneChat = ChatId.FromPhoneNumber(phone);
            var lidChat = ChatId.FromLid(lid);
            _other[phoneChat] = lidChat;
            _other[lidChat] = phoneChat;
        }
    }
}
