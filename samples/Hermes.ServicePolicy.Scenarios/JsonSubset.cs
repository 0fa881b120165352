using System;
using System.Text.Json;

namespace Hermes.ServicePolicy.Scenarios;

/// <summary>
/// The expectation rule of the scenario format: every key of an expected object must equal the actual value
/// (objects compared recursively as subsets; arrays of the same length, element by element, in order).
/// </summary>
internal static class JsonSubset
{
    /// <summary>Returns null when <paramref name="actual"/> satisfies <paramref name="expected"/>, else the first difference.</summary>
    public static string? Compare(JsonElement expected, JsonElement actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                if (actual.ValueKind != JsonValueKind.Object)
                {
                    return $"{path}: expected an object, got {actual.GetRawText()}";
                }

                foreach (var property in expected.EnumerateObject())
                {
                    if (!actual.TryGetProperty(property.Name, out var value))
                    {
                        return property.Value.ValueKind == JsonValueKind.Null ? null : $"{path}.{property.Name}: missing, expected {property.Value.GetRawText()}";
                    }

                    if (Compare(property.Value, value, $"{path}.{property.Name}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;

            case JsonValueKind.Array:
                if (actual.ValueKind != JsonValueKind.Array)
                {
                    return $"{path}: expected an array, got {actual.GetRawText()}";
                }

                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} elements, got {actual.GetArrayLength()}: {actual.GetRawText()}";
                }

                var i = 0;
                using (var a = actual.EnumerateArray().GetEnumerator())
                {
                    foreach (var item in expected.EnumerateArray())
                    {
                        a.MoveNext();
                        if (Compare(item, a.Current, $"{path}[{i++}]") is { } difference)
                        {
                            return difference;
                        }
                    }
                }

                return null;

            case JsonValueKind.Number:
                return actual.ValueKind == JsonValueKind.Number && expected.GetDecimal() == actual.GetDecimal()
                    ? null
                    : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";

            case JsonValueKind.String:
                return actual.ValueKind == JsonValueKind.String && string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";

            default:
                return expected.ValueKind == actual.ValueKind && string.Equals(expected.GetRawText(), actual.GetRawText(), StringComparison.Ordinal)
                    ? null
                    : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
        }
    }
}
