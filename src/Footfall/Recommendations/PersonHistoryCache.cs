using System.Collections.Concurrent;

namespace Footfall.Recommendations;

/// <summary>
/// Persons' recent touches, read from the store on first use. Emptied once it holds <paramref name="capacity"/>
/// persons, so its memory follows the configuration, never the number of persons. Each model has its own: a refresh
/// or an erasure starts an empty one, which is what keeps a cached history from outliving what it was read from.
/// </summary>
internal sealed class PersonHistoryCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Touch[]> _histories = new(StringComparer.Ordinal);

    public async ValueTask<Touch[]> GetAsync(string key, Func<Task<Touch[]>> read)
    {
        if (_histories.TryGetValue(key, out var history))
            return history;
        history = await read();
        if (_histories.Count >= capacity)
            _histories.Clear();
        _histories[key] = history;
        return history;
    }
}
