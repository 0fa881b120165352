namespace Hermes.ServicePolicy.Configuration;

/// <summary>One reason a configuration was refused, naming the key and the value.</summary>
/// <param name="Key">The key as given (for example <c>max_new_service_chats_per_day</c> or <c>approved_chats:2</c>).</param>
/// <param name="Value">The offending value as given, or <see langword="null"/>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ConfigurationError(string Key, string? Value, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Value is null ? $"{Key}: {Message}" : $"{Key} = '{Value}': {Message}";
}
