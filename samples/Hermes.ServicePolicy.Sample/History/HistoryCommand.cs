using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Sample.History;

/// <summary>
/// <c>history --state DIR [--chat TARGET] [--since ISO-TIME] [--type TYPE]…</c>: the audit trail of a state directory,
/// one JSON line per event, oldest first, read-only: it works while a gateway holds the directory, and never writes.
/// </summary>
internal static class HistoryCommand
{
    public const string Usage = "usage: hermes-policy-sample history --state DIR [--chat TARGET] [--since ISO-TIME] [--type TYPE]...";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        string? state = null, chat = null;
        DateTimeOffset? since = null;
        var types = new HashSet<PolicyEventType>();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--state" when value is not null:
                    state = value;
                    break;
                case "--chat" when value is not null:
                    chat = value;
                    break;
                case "--since" when value is not null && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at):
                    since = at;
                    break;
                case "--type" when value is not null && PolicyEventTypes.TryParse(value, out var type) && type.IsAudited():
                    types.Add(type);
                    break;
                default:
                    await errors.WriteLineAsync($"history: '{args[i]}{(value is null ? string.Empty : " " + value)}' is not understood\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        if (state is null)
        {
            await errors.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            await using var policy = await new ServiceConversationPolicyBuilder().WithStateStore(FileStateReader.Open(state)).BuildAsync().ConfigureAwait(false);
            var query = new HistoryQuery { Since = since, Types = types.Count == 0 ? null : types };
            if (chat is not null)
            {
                var resolution = await policy.Resolver.ResolveAsync(chat).ConfigureAwait(false);
                if (!resolution.IsResolved)
                {
                    await errors.WriteLineAsync($"history: {resolution.Explain()}").ConfigureAwait(false);
                    return 2;
                }

                query = query with { Chat = resolution.Chat };
            }

            await foreach (var e in policy.ReadHistoryAsync(query).ConfigureAwait(false))
            {
                await output.WriteLineAsync(e.ToJson()).ConfigureAwait(false);
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or StateStoreCorruptedException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"history: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
