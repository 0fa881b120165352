using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.Identity;
using Hermes.ServicePolicy.Policy;
using static Hermes.ServicePolicy.Scenarios.StepFields;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>The owner's side (FORMAT.md): <c>operator</c> runs a command as from an operator chat; <c>notices</c> lists what the owner was told.</summary>
public sealed partial class ScenarioRunner
{
    [GeneratedRegex(@"\{draft:(?<name>[^}]+)\}")]
    private static partial Regex DraftReference();

    private async ValueTask<JsonObject> OperatorAsync(ServiceConversationPolicy policy, JsonElement step, CancellationToken cancellationToken)
    {
        var text = DraftReference().Replace(RequiredString(step, "text"), m => _draftHandles.TryGetValue(m.Groups["name"].Value, out var handle)
            ? handle
            : throw new ScenarioFormatException($"no draft was named '{m.Groups["name"].Value}'"));
        ChatId chat = default;
        if ((OptionalString(step, "chat") ?? policy.Options.OperatorChats.FirstOrDefault()) is { } written)
        {
            var resolution = await policy.Resolver.ResolveAsync(written, cancellationToken).ConfigureAwait(false);
            if (!resolution.IsResolved)
            {
                return new JsonObject { ["ok"] = false, ["reason"] = resolution.Reason.ToCode() };
            }

            chat = resolution.Chat;
        }

        var result = await _commands!.ExecuteAsync(chat, text, cancellationToken).ConfigureAwait(false);
        var sends = new JsonArray();
        foreach (var permit in result.Sends)
        {
            var send = new JsonObject { ["chat"] = permit.Chat.ToString(), ["text"] = permit.Text, ["send"] = permit.Send.ToString() };
            if (await TransportAsync(step, permit, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                send["transport_report"] = refused;
            }

            sends.Add(send);
        }

        var output = new JsonObject { ["command"] = result.Command, ["ok"] = result.Ok };
        if (!result.Ok)
        {
            output["reason"] = result.Reason.ToCode();
        }

        output["reply"] = result.Reply;
        output["sends"] = sends;
        return output;
    }

    private async ValueTask<JsonObject> NoticesAsync(ServiceConversationPolicy policy, CancellationToken cancellationToken)
    {
        var notices = new JsonArray();
        await foreach (var notice in policy.ReadNoticesAsync(_noticedThrough, cancellationToken).ConfigureAwait(false))
        {
            var node = new JsonObject { ["kind"] = notice.KindCode, ["chat"] = notice.Chat.ToString() };
            if (!notice.Draft.IsEmpty)
            {
                node["draft"] = notice.Draft.Value;
            }

            if (notice.Handle is not null)
            {
                node["handle"] = notice.Handle;
            }

            if (notice.Text is not null)
            {
                node["text"] = notice.Text;
            }

            node["message"] = string.Join("\n", notice.Format(policy.Options.OperatorCommand, policy.GetChatName(notice.Chat)));
            notices.Add(node);
            _noticedThrough = notice.Sequence;
        }

        return new JsonObject { ["notices"] = notices };
    }
}
