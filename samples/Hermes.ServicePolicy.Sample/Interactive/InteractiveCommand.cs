using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Scenarios;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Sample.Interactive;

/// <summary>
/// <c>interactive [--state DIR]</c>: a prompt with one command for every step of the scenario format. Each command
/// is turned into a scenario step and run by the same <see cref="ScenarioRunner"/> as <c>simulate</c>; a typo is
/// an error message, never a lost state.
/// </summary>
public static class InteractiveCommand
{
    private const string Help = """
        commands (TARGET/CHAT: a JID, a phone number in any form, or a recent-chat name; quote any argument with
        spaces, except the only argument of resolve, status, approve-chat, pause, resume and revoke):
          configure FILE                       apply a configuration (JSON: the service_conversations object)
          recent FILE                          replace the recent chats (JSON array, bridge GET /chats shape)
          list [LIMIT] [--groups]              list recent chats with their status
          resolve TARGET                       resolve a target
          send TARGET TEXT [--agent] [--session S] [--media] [--name N] [--transport T] [--send-name S]
          approve DRAFT [--by NAME] [--transport T] [--send-name S]
                                               DRAFT is a --name given at send, or a draft id; a permit goes to the
                                               fake transport, which reports T: delivered (default), failed,
                                               unknown or pending (no report: 'confirm' it later)
          confirm SEND OUTCOME [--error E]     report a pending send (a --send-name or a send id): delivered,
                                               failed or unknown
          sweep                                expire old drafts, close sends not reported in time
          drafts                               the drafts waiting, with their handles (as the owner sees them)
          /service ...                         an operator command, as from the first of operator_chats
          notices                              what the owner was told since the last 'notices'
          reject DRAFT [--by NAME]
          inbound CHAT TEXT [--alt JID] [--media]
          approve-chat CHAT [--mode MODE] [--by NAME]
          set-mode CHAT MODE [--by NAME]       MODE: draft_first, draft_only, autonomous
          pause CHAT | resume CHAT | revoke CHAT [--by NAME]
          alias CHAT ALIAS                     link a phone JID and a LID
          status CHAT                          status and bound session
          audit                                audit events since the last 'audit'
          trail [CHAT] [--since ISO-TIME]      the audit trail read back from the store
          now ISO-TIME | advance DURATION      move the clock (2026-11-24T09:00:00Z, PT1H)
          restart                              reload state from the store, as after a process restart
          history | help | quit
        """;

    /// <summary>Runs the prompt until <c>quit</c> or the end of input.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        string? stateDirectory = args.Length == 2 && args[0] == "--state" ? args[1] : null;
        if (args.Length != 0 && stateDirectory is null)
        {
            await errors.WriteLineAsync("usage: hermes-policy-sample interactive [--state DIR]").ConfigureAwait(false);
            return 2;
        }

        if (SimulateCommand.StateDirectoryProblem(stateDirectory) is { } problem)
        {
            await errors.WriteLineAsync(problem).ConfigureAwait(false);
            return 2;
        }

        var temporary = stateDirectory is null ? Directory.CreateTempSubdirectory("hermes-interactive-").FullName : null;
        var directory = stateDirectory ?? temporary!;
        var history = new List<string>();
        try
        {
            await using var runner = new ScenarioRunner(() => FileServiceStateStore.Open(directory), output, errors);
            try
            {
                await runner.OpenAsync(cancellationToken).ConfigureAwait(false); // a locked or damaged directory is said once, here
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StateStoreCorruptedException)
            {
                await errors.WriteLineAsync($"state store: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            var failed = false;
            await output.WriteLineAsync($"Hermes.ServicePolicy interactive. State in {directory}. Type 'help' for commands; the feature starts off until 'configure'.").ConfigureAwait(false);
            while (true)
            {
                await output.WriteAsync("hermes> ").ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null)
                {
                    return failed ? 1 : 0; // a script piped in whose commands failed must not look like success
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                history.Add(line);
                switch (line)
                {
                    case "quit" or "exit":
                        return 0;
                    case "help" or "?":
                        await output.WriteLineAsync(Help).ConfigureAwait(false);
                        continue;
                    case "history":
                        for (var i = 0; i < history.Count - 1; i++)
                        {
                            await output.WriteLineAsync($"  {i + 1,3}  {history[i]}").ConfigureAwait(false);
                        }

                        continue;
                }

                try
                {
                    var step = ToStep(Tokenize(line), runner);
                    using var document = JsonDocument.Parse(step.ToJsonString());
                    var result = await runner.ExecuteStepAsync(document.RootElement, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(result.ToJsonString(PrettyJson)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ScenarioFormatException or FormatException or IOException or JsonException or UnauthorizedAccessException)
                {
                    failed = true;
                    await output.WriteLineAsync($"error: {ex.Message} (type 'help' for commands)").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Turns a typed command into a scenario step.</summary>
    internal static JsonObject ToStep(List<string> tokens, ScenarioRunner runner)
    {
        var command = tokens[0];
        if (command.StartsWith('/'))
        {
            // The owner's own chat: the processor reads the rest of the line as the command's arguments.
            return new JsonObject { ["op"] = "operator", ["text"] = string.Join(' ', tokens) };
        }

        var (positional, options) = Split(tokens);
        string Arg(int index, string name) => index < positional.Count ? positional[index] : throw new FormatException($"'{command}' needs {name}");
        string Rest(string name) => positional.Count > 0 ? string.Join(' ', positional) : throw new FormatException($"'{command}' needs {name}");
        string By() => options.TryGetValue("by", out var by) && by is not null ? by : "operator";

        JsonObject step;
        switch (command)
        {
            case "configure":
            {
                var json = JsonNode.Parse(File.ReadAllText(Arg(0, "a JSON file")))!.AsObject();
                var section = json["service_conversations"] ?? json["whatsapp"]?["service_conversations"] ?? json;
                step = new JsonObject { ["op"] = "configure", ["service_conversations"] = section.DeepClone() };
                break;
            }

            case "recent":
                step = new JsonObject { ["op"] = "recent_chats", ["chats"] = JsonNode.Parse(File.ReadAllText(Arg(0, "a JSON file")))!.DeepClone() };
                break;
            case "list":
                step = new JsonObject { ["op"] = "list_chats", ["include_groups"] = options.ContainsKey("groups") };
                if (positional.Count > 0)
                {
                    step["limit"] = int.TryParse(positional[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit)
                        ? limit
                        : throw new FormatException($"'list' takes a number of chats, not '{positional[0]}'");
                }

                break;
            case "resolve":
                step = new JsonObject { ["op"] = "resolve", ["target"] = Rest("a target") };
                break;
            case "send":
                step = new JsonObject
                {
                    ["op"] = "send",
                    ["target"] = Arg(0, "a target"),
                    ["text"] = Arg(1, "a text"),
                    ["initiator"] = options.ContainsKey("agent") ? "agent" : "operator",
                    ["media"] = options.ContainsKey("media"),
                };
                CopyOption(options, step, "session", "session");
                CopyOption(options, step, "name", "name");
                CopyOption(options, step, "transport", "transport");
                CopyOption(options, step, "send-name", "send_name");
                break;
            case "approve" or "reject":
            {
                var draft = Arg(0, "a draft name or id");
                step = new JsonObject { ["op"] = command, ["by"] = By() };
                step[runner.DraftNames.ContainsKey(draft) ? "draft_ref" : "draft"] = draft;
                if (command == "approve")
                {
                    CopyOption(options, step, "transport", "transport");
                    CopyOption(options, step, "send-name", "send_name");
                }

                break;
            }

            case "confirm":
            {
                var send = Arg(0, "a send name or id");
                step = new JsonObject { ["op"] = "confirm", ["outcome"] = Arg(1, "an outcome") };
                step[SendId.TryParse(send, out _) ? "send" : "send_ref"] = send;
                CopyOption(options, step, "error", "error");
                break;
            }

            case "sweep":
                step = new JsonObject { ["op"] = "sweep" };
                break;
            case "drafts":
                step = new JsonObject { ["op"] = "operator", ["text"] = "/service drafts" };
                break;
            case "notices":
                step = new JsonObject { ["op"] = "notices" };
                break;
            case "trail":
                step = new JsonObject { ["op"] = "history" };
                if (positional.Count > 0)
                {
                    step["chat"] = string.Join(' ', positional);
                }

                CopyOption(options, step, "since", "since");
                break;

            case "inbound":
                step = new JsonObject { ["op"] = "inbound", ["chat"] = Arg(0, "a chat JID"), ["text"] = Arg(1, "a text"), ["media"] = options.ContainsKey("media") };
                CopyOption(options, step, "alt", "alt");
                break;
            case "approve-chat":
                step = new JsonObject { ["op"] = "approve_chat", ["chat"] = Rest("a chat"), ["by"] = By() };
                CopyOption(options, step, "mode", "mode");
                break;
            case "set-mode":
                step = new JsonObject { ["op"] = "set_mode", ["chat"] = Arg(0, "a chat"), ["mode"] = Arg(1, "a mode"), ["by"] = By() };
                break;
            case "pause" or "resume" or "revoke":
                step = new JsonObject { ["op"] = command, ["chat"] = Rest("a chat"), ["by"] = By() };
                break;
            case "alias":
                step = new JsonObject { ["op"] = "alias", ["chat"] = Arg(0, "a chat"), ["alias"] = Arg(1, "an alias"), ["by"] = By() };
                break;
            case "status":
                step = new JsonObject { ["op"] = "status", ["chat"] = Rest("a chat") };
                break;
            case "audit" or "restart":
                step = new JsonObject { ["op"] = command };
                break;
            case "now":
                step = new JsonObject { ["op"] = "now", ["at"] = Arg(0, "an ISO 8601 time") };
                break;
            case "advance":
                step = new JsonObject { ["op"] = "advance", ["by"] = Arg(0, "an ISO 8601 duration") };
                break;
            default:
                throw new FormatException($"unknown command '{command}'");
        }

        return step;
    }

    private static void CopyOption(Dictionary<string, string?> options, JsonObject step, string option, string field)
    {
        if (options.TryGetValue(option, out var value))
        {
            step[field] = value ?? throw new FormatException($"--{option} needs a value");
        }
    }

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "agent", "media", "groups" };

    private static (List<string> Positional, Dictionary<string, string?> Options) Split(List<string> tokens)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].StartsWith("--", StringComparison.Ordinal) && tokens[i].Length > 2)
            {
                var name = tokens[i][2..];
                options[name] = Flags.Contains(name) || i + 1 >= tokens.Count ? null : tokens[++i];
            }
            else
            {
                positional.Add(tokens[i]);
            }
        }

        return (positional, options);
    }

    /// <summary>Splits a line into words; double quotes group words, a backslash escapes the next character.</summary>
    internal static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var started = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                current.Append(line[++i]);
                started = true;
            }
            else if (c == '"')
            {
                quoted = !quoted;
                started = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (started)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    started = false;
                }
            }
            else
            {
                current.Append(c);
                started = true;
            }
        }

        if (quoted)
        {
            throw new FormatException("a quote is not closed");
        }

        if (started)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
