using System;
using System.Collections.Generic;
using System.Globalization;
using Hermes.ServicePolicy.Targeting;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>
/// Reads <see cref="ServiceConversationOptions"/> from a flat key/value view of the
/// <c>service_conversations</c> section, as Microsoft.Extensions.Configuration flattens it (<c>approved_chats:0</c>).
/// Both the snake_case keys of the source document and the PascalCase property names are accepted, case-insensitively
/// (environment variables are upper case). Unknown keys, a key given in both spellings, booleans other than
/// <c>true</c>/<c>false</c>, and values that do not parse are errors naming the key and the value. A list that is
/// left out or null keeps its default (empty; <c>["/"]</c> for <c>command_prefixes</c>); an explicitly empty list
/// (the key with an empty value) is empty, which <c>command_prefixes</c> does not allow. Keys left out keep their
/// defaults. Microsoft.Extensions.Configuration's JSON provider keeps the difference: <c>null</c> is left out,
/// <c>[]</c> is explicitly empty. The result is not yet validated: pass it to
/// <see cref="ServiceConversationOptionsValidator"/>, or use <see cref="ReadAndValidate(IEnumerable{KeyValuePair{string, string}}, out IReadOnlyList{ConfigurationError})"/>.
/// </summary>
public static class ServiceConversationOptionsReader
{
    private enum ValueKind
    {
        Boolean,
        Integer,
        Mode,
        Text,
        List,
    }

    private sealed record KeyInfo(string Snake, string Pascal, ValueKind Kind);

    private static readonly KeyInfo[] Keys =
    [
        new("enabled", nameof(ServiceConversationOptions.Enabled), ValueKind.Boolean),
        new("default_mode", nameof(ServiceConversationOptions.DefaultMode), ValueKind.Mode),
        new("approved_chats", nameof(ServiceConversationOptions.ApprovedChats), ValueKind.List),
        new("approved_patterns", nameof(ServiceConversationOptions.ApprovedPatterns), ValueKind.List),
        new("allow_agent_initiated_service_chats", nameof(ServiceConversationOptions.AllowAgentInitiatedServiceChats), ValueKind.Boolean),
        new("auto_promote_replied_to_chats", nameof(ServiceConversationOptions.AutoPromoteRepliedToChats), ValueKind.Boolean),
        new("max_new_service_chats_per_day", nameof(ServiceConversationOptions.MaxNewServiceChatsPerDay), ValueKind.Integer),
        new("require_explicit_approval_for_first_contact", nameof(ServiceConversationOptions.RequireExplicitApprovalForFirstContact), ValueKind.Boolean),
        new("allow_media", nameof(ServiceConversationOptions.AllowMedia), ValueKind.Boolean),
        new("max_auto_sends_per_chat_per_hour", nameof(ServiceConversationOptions.MaxAutoSendsPerChatPerHour), ValueKind.Integer),
        new("max_consecutive_agent_sends_without_reply", nameof(ServiceConversationOptions.MaxConsecutiveAgentSendsWithoutReply), ValueKind.Integer),
        new("pending_draft_ttl_minutes", nameof(ServiceConversationOptions.PendingDraftTtlMinutes), ValueKind.Integer),
        new("command_prefixes", nameof(ServiceConversationOptions.CommandPrefixes), ValueKind.List),
        new("state_directory", nameof(ServiceConversationOptions.StateDirectory), ValueKind.Text),
        new("operator_chats", nameof(ServiceConversationOptions.OperatorChats), ValueKind.List),
        new("operator_command", nameof(ServiceConversationOptions.OperatorCommand), ValueKind.Text),
        new("send_confirmation_minutes", nameof(ServiceConversationOptions.SendConfirmationMinutes), ValueKind.Integer),
        new("audit_retention_days", nameof(ServiceConversationOptions.AuditRetentionDays), ValueKind.Integer),
        new("default_region", nameof(ServiceConversationOptions.DefaultRegion), ValueKind.Text),
    ];

    /// <summary>The snake_case keys of docs/configuration.md, in the order of the spec.</summary>
    public static IReadOnlyList<string> SnakeCaseKeys { get; } = Array.ConvertAll(Keys, k => k.Snake);

    /// <summary>Reads options from key/value pairs relative to the section; see the type's remarks.</summary>
    /// <param name="values">The pairs, for example <c>("enabled", "true")</c>, <c>("approved_chats:0", "+34 600 12 34 56")</c>.</param>
    /// <param name="errors">Every problem found; empty when the result is usable.</param>
    /// <returns>The options, or <see langword="null"/> when there were errors.</returns>
    public static ServiceConversationOptions? Read(IEnumerable<KeyValuePair<string, string?>> values, out IReadOnlyList<ConfigurationError> errors)
    {
        var options = ReadPartial(values, out errors);
        return errors.Count == 0 ? options : null;
    }

    /// <summary>
    /// Reads what can be read: every key that read cleanly, the default for every key that did not (a list with a
    /// bad item keeps its default whole), and the errors. Validating the result then reports the remaining problems
    /// without repeating these, so a configuration's errors all show in one pass.
    /// </summary>
    public static ServiceConversationOptions ReadPartial(IEnumerable<KeyValuePair<string, string?>> values, out IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        var found = new List<ConfigurationError>();
        var options = new ServiceConversationOptions();
        var spelling = new Dictionary<KeyInfo, string>();
        var given = new Dictionary<(KeyInfo Key, int Index), string>(); // every value once: a second one is an error, never a silent override
        var lists = new Dictionary<KeyInfo, SortedDictionary<int, string?>>();
        foreach (var (rawKey, value) in values)
        {
            var colon = rawKey.IndexOf(':', StringComparison.Ordinal);
            var head = colon < 0 ? rawKey : rawKey[..colon];
            var tail = colon < 0 ? null : rawKey[(colon + 1)..];
            var key = Find(head, out var usedSnake);
            if (key is null)
            {
                found.Add(new ConfigurationError(rawKey, value, NearestKey(head) is { } nearest
                    ? $"unknown key; did you mean '{nearest}'?"
                    : $"unknown key; the keys are {string.Join(", ", SnakeCaseKeys)}"));
                continue;
            }

            var used = usedSnake ? key.Snake : key.Pascal;
            if (spelling.TryGetValue(key, out var previous) && !string.Equals(previous, used, StringComparison.Ordinal))
            {
                found.Add(new ConfigurationError(rawKey, value, $"given both as '{key.Snake}' and as '{key.Pascal}'; use one spelling"));
                continue;
            }

            spelling[key] = used;
            if (key.Kind == ValueKind.List)
            {
                if (tail is null && value is null)
                {
                    continue; // a null list is a list left out: its default (empty, or ["/"] for command_prefixes)
                }

                var items = lists.TryGetValue(key, out var existing) ? existing : lists[key] = new SortedDictionary<int, string?>();
                if (tail is null)
                {
                    if (value!.Length > 0)
                    {
                        found.Add(new ConfigurationError(rawKey, value, "must be a list"));
                    }
                }
                else if (!TryParseIndex(tail, out var index))
                {
                    found.Add(new ConfigurationError(rawKey, value, "list items are addressed by index (key:0, key:1, …, no leading zeros)"));
                }
                else if (given.TryGetValue((key, index), out var first))
                {
                    found.Add(new ConfigurationError(rawKey, value, $"the same list item is given twice (as '{first}' and as '{rawKey}'); give each once"));
                }
                else if (value is null)
                {
                    given[(key, index)] = rawKey;
                    found.Add(new ConfigurationError(rawKey, value, "a list item cannot be null; remove it"));
                }
                else
                {
                    given[(key, index)] = rawKey;
                    items[index] = value;
                }

                continue;
            }

            if (tail is not null)
            {
                found.Add(new ConfigurationError(rawKey, value, $"'{key.Snake}' is a single value, not a section"));
                continue;
            }

            if (given.TryGetValue((key, -1), out var earlier))
            {
                found.Add(new ConfigurationError(rawKey, value, $"given twice (as '{earlier}' and as '{rawKey}'); give each key once"));
                continue;
            }

            given[(key, -1)] = rawKey;

            ReadScalar(options, key, rawKey, value, found);
        }

        var broken = new HashSet<KeyInfo>();
        foreach (var error in found)
        {
            var colon = error.Key.IndexOf(':', StringComparison.Ordinal);
            if (Find(colon < 0 ? error.Key : error.Key[..colon], out _) is { } key)
            {
                broken.Add(key);
            }
        }

        foreach (var (key, items) in lists)
        {
            if (broken.Contains(key))
            {
                continue; // keeps its default: item indexes would no longer match what was written
            }

            var list = new List<string>(items.Count);
            foreach (var item in items.Values)
            {
                if (item is not null)
                {
                    list.Add(item);
                }
            }

            switch (key.Snake)
            {
                case "approved_chats":
                    options.ApprovedChats = list;
                    break;
                case "approved_patterns":
                    options.ApprovedPatterns = list;
                    break;
                case "operator_chats":
                    options.OperatorChats = list;
                    break;
                default:
                    options.CommandPrefixes = list;
                    break;
            }
        }

        errors = found;
        return options;
    }

    /// <summary>Reads and validates in one step: every error of both, each once, or a validated configuration.</summary>
    public static ServiceConversationOptions? ReadAndValidate(IEnumerable<KeyValuePair<string, string?>> values, out IReadOnlyList<ConfigurationError> errors)
        => ReadAndValidate(values, null, out errors);

    /// <summary>Reads and validates in one step with a national-number parser for <c>default_region</c>.</summary>
    public static ServiceConversationOptions? ReadAndValidate(IEnumerable<KeyValuePair<string, string?>> values, INationalNumberParser? nationalNumbers, out IReadOnlyList<ConfigurationError> errors)
    {
        var options = ReadPartial(values, out var readErrors);
        var result = ServiceConversationOptionsValidator.Validate(options, nationalNumbers);
        errors = [.. readErrors, .. result.Errors];
        return errors.Count == 0 ? options : null;
    }

    /// <summary>The known key (either spelling) nearest to a misspelt one, when it is close enough to be a typo.</summary>
    private static string? NearestKey(string given)
    {
        if (given.Length > 64)
        {
            return null; // no key is that long; and an edit distance costs length squared
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var key in Keys)
        {
            foreach (var name in (ReadOnlySpan<string>)[key.Snake, key.Pascal])
            {
                var distance = EditDistance(given.ToLowerInvariant(), name.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (name == key.Pascal && given.Contains('_', StringComparison.Ordinal) ? key.Snake : name, distance);
                }
            }
        }

        // A typo, not another word: at most a few edits, and fewer than a third of the key.
        return bestDistance <= Math.Min(3, Math.Max(1, given.Length / 3)) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    // A list index as Microsoft.Extensions.Configuration writes it: 0, 1, 2, … ("00" or "+1" would be a second name for one item).
    private static bool TryParseIndex(string tail, out int index)
    {
        index = -1;
        return tail.Length > 0 && (tail == "0" || tail[0] != '0')
            && int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static KeyInfo? Find(string head, out bool usedSnake)
    {
        foreach (var key in Keys)
        {
            if (string.Equals(head, key.Snake, StringComparison.OrdinalIgnoreCase))
            {
                usedSnake = true;
                return key;
            }

            if (string.Equals(head, key.Pascal, StringComparison.OrdinalIgnoreCase))
            {
                usedSnake = false;
                return key;
            }
        }

        usedSnake = false;
        return null;
    }

    private static void ReadScalar(ServiceConversationOptions options, KeyInfo key, string rawKey, string? value, List<ConfigurationError> errors)
    {
        switch (key.Kind)
        {
            case ValueKind.Boolean:
                if (!TryParseBoolean(value, out var flag))
                {
                    errors.Add(new ConfigurationError(rawKey, value, "must be true or false"));
                    return;
                }

                switch (key.Snake)
                {
                    case "enabled": options.Enabled = flag; break;
                    case "allow_agent_initiated_service_chats": options.AllowAgentInitiatedServiceChats = flag; break;
                    case "auto_promote_replied_to_chats": options.AutoPromoteRepliedToChats = flag; break;
                    case "require_explicit_approval_for_first_contact": options.RequireExplicitApprovalForFirstContact = flag; break;
                    default: options.AllowMedia = flag; break;
                }

                return;

            case ValueKind.Integer:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    errors.Add(new ConfigurationError(rawKey, value, "must be a whole number"));
                    return;
                }

                switch (key.Snake)
                {
                    case "max_new_service_chats_per_day": options.MaxNewServiceChatsPerDay = number; break;
                    case "max_auto_sends_per_chat_per_hour": options.MaxAutoSendsPerChatPerHour = number; break;
                    case "max_consecutive_agent_sends_without_reply": options.MaxConsecutiveAgentSendsWithoutReply = number; break;
                    case "send_confirmation_minutes": options.SendConfirmationMinutes = number; break;
                    case "audit_retention_days": options.AuditRetentionDays = number; break;
                    default: options.PendingDraftTtlMinutes = number; break;
                }

                return;

            case ValueKind.Mode:
                if (!ServiceChatModes.TryParse(value, out var mode))
                {
                    errors.Add(new ConfigurationError(rawKey, value, "must be draft_first, draft_only or autonomous"));
                    return;
                }

                options.DefaultMode = mode;
                return;

            default:
                if (key.Snake == "default_region")
                {
                    options.DefaultRegion = value ?? string.Empty;
                }
                else if (key.Snake == "operator_command")
                {
                    options.OperatorCommand = value ?? string.Empty;
                }
                else
                {
                    options.StateDirectory = value ?? string.Empty;
                }

                return;
        }
    }

    private static bool TryParseBoolean(string? value, out bool flag)
    {
        flag = false;
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            flag = true;
            return true;
        }

        return string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
    }
}
