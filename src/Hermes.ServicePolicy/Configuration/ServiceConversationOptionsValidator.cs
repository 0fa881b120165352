using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Globalization;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Targeting;
using Hermes.ServicePolicy.Text;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>The result of validating a configuration.</summary>
public sealed class OptionsValidationResult
{
    internal OptionsValidationResult(IReadOnlyList<ConfigurationError> errors, PolicyConfiguration? configuration)
    {
        Errors = errors;
        Configuration = configuration;
    }

    /// <summary>Gets whether the configuration is valid.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets every problem found, each naming the key and the value.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    internal PolicyConfiguration? Configuration { get; }

    /// <summary>Gets all errors as one message, one per line.</summary>
    public string Describe() => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}

/// <summary>
/// Validates <see cref="ServiceConversationOptions"/> against docs/configuration.md: ranges, modes, approved chats that are
/// one-to-one chats (a name, a group, a broadcast or garbage is an error naming the entry), prefix patterns with at
/// least 6 fixed digits (never a wildcard), and command prefixes. Invalid values are errors, never a silent default.
/// </summary>
public static class ServiceConversationOptionsValidator
{
    /// <summary>Validates <paramref name="options"/> with no national-number parser (a <c>default_region</c> is then an error).</summary>
    public static OptionsValidationResult Validate(ServiceConversationOptions options) => Validate(options, null);

    /// <summary>
    /// Validates <paramref name="options"/>; <paramref name="nationalNumbers"/> reads the national numbers of
    /// <c>default_region</c> (in <c>approved_chats</c> too) and says which regions exist.
    /// </summary>
    public static OptionsValidationResult Validate(ServiceConversationOptions options, INationalNumberParser? nationalNumbers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConfigurationError>();
        var snapshot = options.Clone();
        var national = ValidateRegion(errors, snapshot, nationalNumbers);
        foreach (var key in OptionDescriptors.All)
        {
            key.Validate(snapshot, errors); // each value's own rules (ranges, modes); rules across keys follow
        }

        var approved = new HashSet<ChatId>();
        for (var i = 0; i < snapshot.ApprovedChats.Count; i++)
        {
            var entry = snapshot.ApprovedChats[i];
            var key = $"approved_chats:{i}";
            var parsed = entry is null ? TargetResolution.Invalid(TargetError.Empty) : ChatAddress.Parse(entry, national);
            if (parsed is null)
            {
                errors.Add(new ConfigurationError(key, entry, "names are not allowed here: give a phone number in international form or a JID"));
            }
            else if (parsed.Value.Kind == TargetResolutionKind.Ambiguous)
            {
                errors.Add(new ConfigurationError(key, entry, $"ambiguous: it reads as {string.Join(" or ", parsed.Value.Candidates)}; write it with + and the country code"));
            }
            else if (!parsed.Value.IsResolved)
            {
                errors.Add(new ConfigurationError(key, entry, parsed.Value.Explain()));
            }
            else if (!parsed.Value.Chat.IsOneToOne)
            {
                errors.Add(new ConfigurationError(key, entry, "only one-to-one chats can be service chats (not groups, broadcasts or newsletters)"));
            }
            else
            {
                approved.Add(parsed.Value.Chat);
            }
        }

        var operators = new HashSet<ChatId>();
        for (var i = 0; i < snapshot.OperatorChats.Count; i++)
        {
            var entry = snapshot.OperatorChats[i];
            var key = $"operator_chats:{i}";
            var parsed = entry is null ? TargetResolution.Invalid(TargetError.Empty) : ChatAddress.Parse(entry, national);
            if (parsed is not { IsResolved: true } resolved || !resolved.Chat.IsOneToOne)
            {
                errors.Add(new ConfigurationError(key, entry, parsed is null
                    ? "names are not allowed here: give the owner's phone number in international form or a JID"
                    : parsed.Value.IsResolved ? "an operator chat is a one-to-one chat (not a group, broadcast or newsletter)" : parsed.Value.Explain()));
            }
            else if (approved.Contains(resolved.Chat))
            {
                errors.Add(new ConfigurationError(key, entry, "this chat is also in approved_chats: an operator chat is never a service chat"));
            }
            else
            {
                operators.Add(resolved.Chat);
            }
        }

        if (!OperatorCommandMatcher.IsValidCommand(snapshot.OperatorCommand))
        {
            errors.Add(new ConfigurationError("operator_command", snapshot.OperatorCommand, "must be 2 to 32 characters without white space, starting with a visible symbol that is not a letter or digit (for example /service)"));
        }

        var prefixes = new List<string>();
        for (var i = 0; i < snapshot.ApprovedPatterns.Count; i++)
        {
            var pattern = snapshot.ApprovedPatterns[i];
            if (TryParsePattern(pattern, out var digits, out var message))
            {
                prefixes.Add(digits);
            }
            else
            {
                errors.Add(new ConfigurationError($"approved_patterns:{i}", pattern, message));
            }
        }

        if (snapshot.CommandPrefixes.Count is < 1 or > 8)
        {
            errors.Add(new ConfigurationError("command_prefixes", string.Join(",", snapshot.CommandPrefixes), "give 1 to 8 prefixes"));
        }

        for (var i = 0; i < snapshot.CommandPrefixes.Count; i++)
        {
            var prefix = snapshot.CommandPrefixes[i];
            if (!CommandPrefixMatcher.IsValidPrefix(prefix, 4))
            {
                errors.Add(new ConfigurationError($"command_prefixes:{i}", prefix, "a prefix is 1 to 4 characters of punctuation or symbols (also in NFKC): no letters, digits, white space, controls, combining marks or invisible characters, which could never match"));
            }
        }

        if (errors.Count > 0)
        {
            return new OptionsValidationResult(errors, null);
        }

        var patterns = new PhonePatternSet(prefixes);
        for (var i = 0; i < snapshot.OperatorChats.Count; i++)
        {
            if (ChatAddress.Parse(snapshot.OperatorChats[i]!, national) is { IsResolved: true } operatorChat && patterns.Matches(operatorChat.Chat.PhoneNumber))
            {
                errors.Add(new ConfigurationError($"operator_chats:{i}", snapshot.OperatorChats[i], "this chat matches approved_patterns: an operator chat is never a service chat"));
            }
        }

        if (errors.Count > 0)
        {
            return new OptionsValidationResult(errors, null);
        }

        var configuration = new PolicyConfiguration(snapshot, approved.ToFrozenSet(), patterns, [.. snapshot.CommandPrefixes], national, operators.ToFrozenSet());
        return new OptionsValidationResult(errors, configuration);
    }

    /// <summary>The package that reads national numbers, named in errors when it is missing.</summary>
    public const string PhoneNumbersPackage = "Hermes.ServicePolicy.PhoneNumbers";

    private static NationalNumbering? ValidateRegion(List<ConfigurationError> errors, ServiceConversationOptions options, INationalNumberParser? parser)
    {
        var region = options.DefaultRegion.Trim();
        if (region.Length == 0)
        {
            return null;
        }

        if (parser is null)
        {
            errors.Add(new ConfigurationError("default_region", options.DefaultRegion, $"national numbers need the {PhoneNumbersPackage} package: reference it and register it (UsePhoneNumbers() on the builder, AddServiceConversationPhoneNumbers() with Microsoft.Extensions), or leave default_region empty"));
            return null;
        }

        if (region.Length != 2 || !char.IsAsciiLetterUpper(region[0]) || !char.IsAsciiLetterUpper(region[1]) || !parser.IsKnownRegion(region))
        {
            errors.Add(new ConfigurationError("default_region", options.DefaultRegion, $"must be empty or a two-letter ISO 3166 region in upper case that {parser.Name} knows (for example ES)"));
            return null;
        }

        options.DefaultRegion = region;
        return new NationalNumbering(parser, region);
    }

    /// <summary>
    /// A pattern is digits with optional separators (space, '-', '.', parentheses) and an optional leading '+',
    /// ending in one '*', with 6 to 15 fixed digits that start with an assigned country calling code.
    /// </summary>
    internal static bool TryParsePattern(string? pattern, out string digits, out string message)
    {
        digits = string.Empty;
        var text = pattern?.Trim() ?? string.Empty;
        if (text.Length == 0 || text[^1] != '*')
        {
            message = "a pattern ends with a single '*' (use approved_chats for one number)";
            return false;
        }

        var body = text.AsSpan(0, text.Length - 1);
        var buffer = new System.Text.StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (char.IsAsciiDigit(c))
            {
                buffer.Append(c);
            }
            else if (c == '+' && i == 0)
            {
                continue;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                message = c == '*'
                    ? "only one '*', at the end; a wildcard-only pattern would approve everyone"
                    : "a pattern has digits, separators, an optional leading '+' and a trailing '*'";
                return false;
            }
        }

        digits = buffer.ToString();
        if (digits.Length == 0)
        {
            message = "'*' alone would approve every number: no global wildcard; a pattern needs at least 6 fixed digits";
            return false;
        }

        if (digits.Length < 6)
        {
            message = "a pattern needs at least 6 fixed digits before the '*'";
            return false;
        }

        if (digits.Length > 15)
        {
            message = "a pattern has at most 15 digits";
            return false;
        }

        if (digits[0] == '0' || CountryCallingCodes.Match(digits) == 0)
        {
            message = "a pattern starts with an assigned country calling code (international form, no leading 0)";
            return false;
        }

        message = string.Empty;
        return true;
    }

    /// <summary>The built-in defaults of docs/configuration.md (feature off), in force before any configuration is applied.</summary>
    internal static readonly PolicyConfiguration Defaults = Validate(new ServiceConversationOptions()).Configuration!;
}
