using System.Text.Json;

namespace Footfall.Storage;

/// <summary>How stores serialize the JSON they keep in text columns (targets, definitions, settings).</summary>
public static class StoreJson
{
    /// <summary>camelCase, compact.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
