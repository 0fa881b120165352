using System.Text.Json.Serialization;

namespace Hermes.ServicePolicy.Gateway.Journal;

/// <summary>Source-generated JSON for the inbound journal's records (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(InboundJournalRecord))]
internal sealed partial class GatewayJson : JsonSerializerContext;
