using System.Text.Json.Serialization;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>Source-generated JSON for the bridge's LID mapping files (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(string))]
internal sealed partial class BridgeJson : JsonSerializerContext;
