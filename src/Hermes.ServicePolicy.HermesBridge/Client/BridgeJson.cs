using System.Text.Json.Serialization;

namespace Hermes.ServicePolicy.HermesBridge.Client;

/// <summary>Source-generated JSON for the journal (trimming and AOT safe).</summary>
[JsonSerializable(typeof(BridgeEvent))]
[JsonSerializable(typeof(string))]
internal sealed partial class BridgeJson : JsonSerializerContext;
