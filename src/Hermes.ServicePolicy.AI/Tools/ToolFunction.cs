using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.AI;

namespace Hermes.ServicePolicy.AI.Tools;

/// <summary>
/// A tool with a fixed name, description and JSON schema (no reflection: the schema is written out, so trimming and AOT
/// keep it). Arguments arrive as strings (a host calling it directly) or JSON elements (a chat client's function call).
/// </summary>
internal abstract class ToolFunction : AIFunction
{
    private readonly JsonElement _schema;

    protected ToolFunction(string name, string description, string schema)
    {
        Name = name;
        Description = description;
        using var document = JsonDocument.Parse(schema);
        _schema = document.RootElement.Clone();
    }

    public override string Name { get; }

    public override string Description { get; }

    public override JsonElement JsonSchema => _schema;

    /// <summary>A required string argument, trimmed; null when it is missing, empty or not a string.</summary>
    protected static string? Text(AIFunctionArguments arguments, string name)
        => arguments.TryGetValue(name, out var value) ? value switch
        {
            string s => s.Trim() is { Length: > 0 } t ? t : null,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()?.Trim() is { Length: > 0 } t ? t : null,
            _ => null,
        } : null;

    /// <summary>The chat named by argument <paramref name="name"/>, or the answer that says why there is none.</summary>
    protected static async ValueTask<(ChatId Chat, string? Answer)> ChatAsync(IChatTargetResolver resolver, AIFunctionArguments arguments, string name, CancellationToken cancellationToken)
    {
        if (Text(arguments, name) is not { } target)
        {
            return (default, $"invalid: give the chat as \"{name}\" (a phone number, a WhatsApp id or a contact name).");
        }

        var resolved = await resolver.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        return resolved.Kind == TargetResolutionKind.Resolved ? (resolved.Chat, null) : (default, ToolAnswers.Unresolved(resolved));
    }

    /// <summary>An optional whole-number argument, clamped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected static int Number(AIFunctionArguments arguments, string name, int fallback, int min, int max)
    {
        if (!arguments.TryGetValue(name, out var value) || value is null)
        {
            return fallback;
        }

        var number = value switch
        {
            int i => i,
            long l => (int)Math.Clamp(l, int.MinValue, int.MaxValue),
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var n) => n,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => fallback,
        };
        return Math.Clamp(number, min, max);
    }
}
