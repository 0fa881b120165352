using System;
using System.Collections.Generic;
using System.Globalization;

namespace Hermes.ServicePolicy.Configuration;

/// <summary>How a key's value is written.</summary>
internal enum OptionKind
{
    Boolean,
    Integer,
    Choice,
    Text,
    List,
}

/// <summary>
/// One configuration key (docs/configuration.md), described once: its two spellings, how its value is read, copied,
/// range-checked and shown in the <c>policy_loaded</c> text. The reader, the validator, <see cref="ServiceConversationOptionsCopying.Clone"/>,
/// the Microsoft.Extensions binding and <see cref="PolicyDescription"/> all walk <see cref="OptionDescriptors.All"/>,
/// so a new key is its property and one line there.
/// </summary>
internal abstract class OptionDescriptor
{
    protected OptionDescriptor(string snake, string pascal, OptionKind kind)
    {
        Snake = snake;
        Pascal = pascal;
        Kind = kind;
    }

    /// <summary>Gets the key of the source document (<c>max_new_service_chats_per_day</c>).</summary>
    public string Snake { get; }

    /// <summary>Gets the property name (<c>MaxNewServiceChatsPerDay</c>), also accepted as a key.</summary>
    public string Pascal { get; }

    public OptionKind Kind { get; }

    /// <summary>Reads a single value into <paramref name="options"/>: null when it read, else what is wrong with it.</summary>
    public virtual string? Read(ServiceConversationOptions options, string? value) => throw new InvalidOperationException($"'{Snake}' is a list.");

    /// <summary>Sets a list key's items (lists only).</summary>
    public virtual void SetItems(ServiceConversationOptions options, List<string> items) => throw new InvalidOperationException($"'{Snake}' is a single value.");

    /// <summary>Copies the value (a list as a new list) from one options object to another.</summary>
    public abstract void Copy(ServiceConversationOptions from, ServiceConversationOptions to);

    /// <summary>Adds the errors of the value's own rules (ranges, known names); rules across keys are the validator's.</summary>
    public virtual void Validate(ServiceConversationOptions options, List<ConfigurationError> errors)
    {
    }

    /// <summary>The <c>key=value</c> of the <c>policy_loaded</c> text, or null when the key is not shown (or not now).</summary>
    public virtual string? Describe(PolicyConfiguration configuration) => null;
}

internal sealed class BooleanOption(string snake, string pascal, Func<ServiceConversationOptions, bool> get, Action<ServiceConversationOptions, bool> set)
    : OptionDescriptor(snake, pascal, OptionKind.Boolean)
{
    public override string? Read(ServiceConversationOptions options, string? value)
    {
        var isTrue = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        if (isTrue || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
        {
            set(options, isTrue);
            return null;
        }

        return "must be true or false";
    }

    public override void Copy(ServiceConversationOptions from, ServiceConversationOptions to) => set(to, get(from));

    public override string? Describe(PolicyConfiguration configuration) => $"{Snake}={(get(configuration.Options) ? "true" : "false")}";
}

/// <summary>A whole number in a range; <c>shownWhenZero: false</c> leaves a key whose 0 means "off" out of <c>policy_loaded</c> until it is set.</summary>
internal sealed class IntegerOption(string snake, string pascal, Func<ServiceConversationOptions, int> get, Action<ServiceConversationOptions, int> set, int min, int max, bool shownWhenZero = true)
    : OptionDescriptor(snake, pascal, OptionKind.Integer)
{
    public override string? Read(ServiceConversationOptions options, string? value)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return "must be a whole number";
        }

        set(options, number);
        return null;
    }

    public override void Copy(ServiceConversationOptions from, ServiceConversationOptions to) => set(to, get(from));

    public override void Validate(ServiceConversationOptions options, List<ConfigurationError> errors)
    {
        var value = get(options);
        if (value < min || value > max)
        {
            errors.Add(new ConfigurationError(Snake, value.ToString(CultureInfo.InvariantCulture), $"must be between {min} and {max}"));
        }
    }

    public override string? Describe(PolicyConfiguration configuration)
        => get(configuration.Options) is var value && (value != 0 || shownWhenZero) ? $"{Snake}={value.ToString(CultureInfo.InvariantCulture)}" : null;
}

/// <summary>
/// One of the named values of an enum (<c>default_mode: draft_first | draft_only | autonomous</c>,
/// <c>outbound: normal | never</c>), any case. <c>policy_loaded</c> shows it always, or with <c>shownWhenDefault: false</c>
/// only when it is not the first choice (the default), so the text of a configuration that does not use the key is unchanged.
/// </summary>
internal sealed class ChoiceOption<T>(string snake, string pascal, Func<ServiceConversationOptions, T> get, Action<ServiceConversationOptions, T> set, (string Code, T Value)[] choices, bool shownWhenDefault = true)
    : OptionDescriptor(snake, pascal, OptionKind.Choice)
    where T : struct, Enum
{
    private readonly string _expected = "must be " + (choices.Length == 1 ? choices[0].Code
        : string.Join(", ", Array.ConvertAll(choices[..^1], static c => c.Code)) + " or " + choices[^1].Code);

    public override string? Read(ServiceConversationOptions options, string? value)
    {
        foreach (var (code, choice) in choices)
        {
            if (string.Equals(value, code, StringComparison.OrdinalIgnoreCase))
            {
                set(options, choice);
                return null;
            }
        }

        return _expected;
    }

    public override void Copy(ServiceConversationOptions from, ServiceConversationOptions to) => set(to, get(from));

    public override void Validate(ServiceConversationOptions options, List<ConfigurationError> errors)
    {
        if (CodeOf(get(options)) is null)
        {
            errors.Add(new ConfigurationError(Snake, get(options).ToString(), _expected)); // a value set in code that has no name
        }
    }

    public override string? Describe(PolicyConfiguration configuration)
        => !shownWhenDefault && EqualityComparer<T>.Default.Equals(get(configuration.Options), choices[0].Value) ? null : $"{Snake}={CodeOf(get(configuration.Options))}";

    private string? CodeOf(T value)
    {
        foreach (var (code, choice) in choices)
        {
            if (EqualityComparer<T>.Default.Equals(choice, value))
            {
                return code;
            }
        }

        return null;
    }
}

/// <summary>A text; <c>shown: true</c> puts a value that is not empty in <c>policy_loaded</c>.</summary>
internal sealed class TextOption(string snake, string pascal, Func<ServiceConversationOptions, string?> get, Action<ServiceConversationOptions, string> set, bool shown = false)
    : OptionDescriptor(snake, pascal, OptionKind.Text)
{
    public override string? Read(ServiceConversationOptions options, string? value)
    {
        set(options, value ?? string.Empty);
        return null;
    }

    public override void Copy(ServiceConversationOptions from, ServiceConversationOptions to) => set(to, get(from) ?? string.Empty);

    public override string? Describe(PolicyConfiguration configuration)
        => shown && get(configuration.Options) is { Length: > 0 } value ? $"{Snake}={value}" : null;
}

/// <summary>A list; <c>count</c> is what <c>policy_loaded</c> shows for it (the distinct entries in force), null when it is not shown.</summary>
internal sealed class ListOption(string snake, string pascal, Func<ServiceConversationOptions, IList<string>?> get, Action<ServiceConversationOptions, IList<string>> set, Func<PolicyConfiguration, int>? count = null)
    : OptionDescriptor(snake, pascal, OptionKind.List)
{
    public override void SetItems(ServiceConversationOptions options, List<string> items) => set(options, items);

    public override void Copy(ServiceConversationOptions from, ServiceConversationOptions to) => set(to, new List<string>(get(from) ?? []));

    public override string? Describe(PolicyConfiguration configuration)
        => count is null ? null : $"{Snake}={count(configuration).ToString(CultureInfo.InvariantCulture)}";
}
