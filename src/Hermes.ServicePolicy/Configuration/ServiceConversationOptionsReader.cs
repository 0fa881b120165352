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
    /// <summary>The snake_case keys of docs/configuration.md, in the order of the spec.</summary>
    public static IReadOnlyList<string> SnakeCaseKeys { get; } = SnakeNames();

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
        var spelling = new Dictionary<OptionDescriptor, string>();
        var given = new Dictionary<(OptionDescriptor Key, int Index), string>(); // every value once: a second one is an error, never a silent override
        var lists = new Dictionary<OptionDescriptor, SortedDictionary<int, string?>>();
        foreach (var (rawKey, value) in values)
        {
            var colon = rawKey.IndexOf(':', StringComparison.Ordinal);
            var head = colon < 0 ? rawKey : rawKey[..colon];
            var tail = colon < 0 ? null : rawKey[(colon + 1)..];
            var key = OptionDescriptors.Find(head, out var usedSnake);
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
            if (key.Kind == OptionKind.List)
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

            if (key.Read(options, value) is { } problem)
            {
                found.Add(new ConfigurationError(rawKey, value, problem));
            }
        }

        var broken = new HashSet<OptionDescriptor>();
        foreach (var error in found)
        {
            var colon = error.Key.IndexOf(':', StringComparison.Ordinal);
            if (OptionDescriptors.Find(colon < 0 ? error.Key : error.Key[..colon], out _) is { } key)
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

            key.SetItems(options, list);
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
        foreach (var key in OptionDescriptors.All)
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

    private static string[] SnakeNames()
    {
        var names = new string[OptionDescriptors.All.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = OptionDescriptors.All[i].Snake;
        }

        return names;
    }
}
