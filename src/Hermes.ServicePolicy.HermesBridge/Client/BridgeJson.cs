using System.Text.Json.Serialization;
using Hermes.ServicePolicy.HermesBridge.Gateway;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>Source-generated JSON for the gateway's files: the inbound journal's records and the LID mapping files (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(InboundJournalRecord))]
[JsonSerializable(typeof(string))]
internal sealed partial class BridgeJson : JsonSerializerContext;
