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
/// store per request. A save on this node is seen at once; on other nodes within <see cref="Freshness"/> and one
/// refresh. An
/// expired list is still served while one refresh runs behind it: ingest must not wait for (or fail with) a store
/// that is away, since events are acknowledged on the log; only a project's first request asks the store itself.
/// </summary>
public sealed class ActionPolicies(IProjectCatalog store, TimeProvider clock)
{
    /// <summary>How long a cached list is trusted.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (ActionLists Lists, DateTime Expires)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refreshing = new(StringComparer.Ordinal);
    // Counts saves, so a load that read the store before a save cannot put the older lists back over the saved ones.
    private readonly Lock _saving = new();
    private long _saves;

    /// <summary>The project's current lists.</summary>
    public async ValueTask<ActionLists> GetAsync(string projectId, CancellationToken cancellationToken = default)
    {
        if (!_cache.TryGetValue(projectId, out var cached))
            return await LoadAsync(projectId, cancellationToken);
        if (cached.Expires <= clock.GetUtcNow().UtcDateTime && _refreshing.TryAdd(projectId, true))
            _ = RefreshAsync(projectId);
        return cached.Lists;
    }

    private async Task RefreshAsync(string projectId)
    {
        try
        {
            await LoadAsync(projectId, CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            // The store is away: the lists in the cache stay in use, and the next request tries again.
        }
        finally
        {
            _refreshing.TryRemove(projectId, out _);
        }
    }

    private async Task<ActionLists> LoadAsync(string projectId, CancellationToken cancellationToken)
    {
        long savesBefore;
        lock (_saving) savesBefore = _saves;
        var json = await store.GetSettingAsync(projectId, ActionLists.SettingName, cancellationToken);
        var lists = json is null ? ActionLists.None : JsonSerializer.Deserialize<ActionLists>(json, StoreJson.Options) ?? ActionLists.None;
        lock (_saving)
        {
            if (_saves != savesBefore)
                return _cache.TryGetValue(projectId, out var saved) ? saved.Lists : lists;
            _cache[projectId] = (lists, clock.GetUtcNow().UtcDateTime + Freshness);
        }
        return lists;
    }

    /// <summary>Replaces the project's lists.</summary>
    public async Task SaveAsync(string projectId, ActionLists lists, CancellationToken cancellationToken = default)
    {
        await store.SaveSettingAsync(projectId, ActionLists.SettingName, JsonSerializer.Serialize(lists, StoreJson.Options), cancellationToken);
        lock (_saving)
        {
            _saves++;
            _cache[projectId] = (lists, clock.GetUtcNow().UtcDateTime + Freshness);
        }
    }
}
