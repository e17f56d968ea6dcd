using System.Collections.Concurrent;
using System.Text.Json;
using Footfall.Storage;

namespace Footfall.Ingest;

/// <summary>A project's allow and deny lists of actions (CONTRACT §6); an empty allow list allows all.</summary>
public sealed record ActionLists(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny)
{
    /// <summary>The setting's name in the store.</summary>
    public const string SettingName = "actions";

    /// <summary>No lists: every action passes.</summary>
    public static readonly ActionLists None = new([], []);

    /// <summary>Why the lists refuse <paramref name="action"/>, or null when they let it through.</summary>
    public string? Refuse(string action)
    {
        if (Deny.Contains(action, StringComparer.Ordinal))
            return $"action '{action}' is in the project's deny list";
        if (Allow.Count > 0 && !Allow.Contains(action, StringComparer.Ordinal))
            return $"action '{action}' is not in the project's allow list";
        return null;
    }
}

/// <summary>
/// Reads each project's action lists through a short-lived cache, so the ingest path does not query the
/// store per request. A save on this node is seen at once; on other nodes within <see cref="Freshness"/>.
/// </summary>
public sealed class ActionPolicies(IProjectCatalog store, TimeProvider clock)
{
    /// <summary>How long a cached list is trusted.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (ActionLists Lists, DateTime Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>The project's current lists.</summary>
    public async ValueTask<ActionLists> GetAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(projectId, out var cached) && cached.Expires > now)
            return cached.Lists;
        var json = await store.GetSettingAsync(projectId, ActionLists.SettingName, cancellationToken);
        var lists = json is null ? ActionLists.None : JsonSerializer.Deserialize<ActionLists>(json, StoreJson.Options) ?? ActionLists.None;
        _cache[projectId] = (lists, now + Freshness);
        return lists;
    }

    /// <summary>Replaces the project's lists.</summary>
    public async Task SaveAsync(string projectId, ActionLists lists, CancellationToken cancellationToken = default)
    {
        await store.SaveSettingAsync(projectId, ActionLists.SettingName, JsonSerializer.Serialize(lists, StoreJson.Options), cancellationToken);
        _cache.TryRemove(projectId, out _);
    }
}
