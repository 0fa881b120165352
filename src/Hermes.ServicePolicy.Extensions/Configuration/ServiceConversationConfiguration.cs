using System;
using System.Collections.Generic;
using System.Linq;
using Hermes.ServicePolicy.Configuration;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Hermes.ServicePolicy.Extensions.Configuration;

/// <summary>
/// Reads the <c>service_conversations</c> section with the core's <see cref="ServiceConversationOptionsReader"/>, so
/// the snake_case keys of the source document and the PascalCase property names both bind, from any provider (JSON,
/// environment variables, YAML, …), with the same rules and messages as everywhere else.
/// </summary>
internal sealed class ServiceConversationConfiguration : IConfigureOptions<ServiceConversationOptions>, IValidateOptions<ServiceConversationOptions>
{
    public ServiceConversationConfiguration(IConfiguration section) => Section = section;

    public IConfiguration Section { get; }

    /// <summary>The section as flat key/value pairs relative to it, as the reader takes them.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Values() => Section.AsEnumerable(makePathsRelative: true);

    public void Configure(ServiceConversationOptions options)
    {
        // What could be read: the keys that failed keep their defaults and Validate reports them, while the values that
        // were read are validated too, so every error shows in one pass and each once.
        var read = ServiceConversationOptionsReader.ReadPartial(Values(), out _);

        read.CopyTo(options); // every key: the core's one table of keys (a test compares them all by reflection)
    }

    public ValidateOptionsResult Validate(string? name, ServiceConversationOptions options)
    {
        // Only what reading the section found (unknown keys, bad values); the values themselves are checked once, by
        // ServiceConversationOptionsValidation, with the national-number parser the container has.
        ServiceConversationOptionsReader.Read(Values(), out var readErrors);
        return readErrors.Count > 0 ? Fail(readErrors) : ValidateOptionsResult.Success;
    }

    /// <summary>One failure message per error, each naming the full key and the value.</summary>
    internal static ValidateOptionsResult Fail(IReadOnlyList<ConfigurationError> errors)
    {
        var messages = new List<string>(errors.Count);
        foreach (var error in errors)
        {
            messages.Add($"{ServiceConversationOptions.SectionPath}:{error}");
        }

        return ValidateOptionsResult.Fail(messages);
    }
}

/// <summary>Validates options given in code (the <c>Action</c> overload) with the core's validator.</summary>
internal sealed class ServiceConversationOptionsValidation : IValidateOptions<ServiceConversationOptions>
{
    private readonly INationalNumberParser? _nationalNumbers;

    /// <param name="nationalNumbers">The registered national-number parsers (AddServiceConversationPhoneNumbers); the last one wins.</param>
    public ServiceConversationOptionsValidation(IEnumerable<INationalNumberParser> nationalNumbers)
        => _nationalNumbers = nationalNumbers.LastOrDefault();

    public ValidateOptionsResult Validate(string? name, ServiceConversationOptions options)
    {
        var result = ServiceConversationOptionsValidator.Validate(options, _nationalNumbers);
        return result.IsValid ? ValidateOptionsResult.Success : ServiceConversationConfiguration.Fail(result.Errors);
    }
}
