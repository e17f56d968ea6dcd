using Footfall.Experiences;
using Footfall.Storage;

namespace Footfall.Analytics;

/// <summary>
/// Experience results kept ready in memory for the embedded store: every impression, and every event of an action
/// some experience counts as a metric, filed under its person. A link moves the absorbed person's entries to the
/// person it joined, so results stay retroactive without rescanning events. Counting walks only exposed persons,
/// which is what keeps results fast at millions of events. Times are Unix milliseconds, as stored.
/// Not thread-safe: the owning store serialises writers, and readers lock the index.
/// </summary>
internal sealed class AttributionIndex
{
    private readonly Dictionary<int, ProjectEntries> _projects = new();

    private sealed class ProjectEntries
    {
        public Dictionary<string, ExperienceEntries> Experiences { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Dictionary<long, List<(long TimeMs, long Seq)>>> Actions { get; } = new(StringComparer.Ordinal);
    }

    private sealed class ExperienceEntries
    {
        // Persons are spread over shards by number so that counting can walk the shards on all cores at once.
        public const int Shards = 8;

        public List<string> Variants { get; } = [];
        public Dictionary<long, List<(int Variant, long TimeMs)>>[] ByPerson { get; } =
            Enumerable.Range(0, Shards).Select(_ => new Dictionary<long, List<(int, long)>>()).ToArray();

        public Dictionary<long, List<(int Variant, long TimeMs)>> ShardOf(long person) => ByPerson[(int)((ulong)person % Shards)];

        public int VariantIndex(string variant)
        {
            var i = Variants.IndexOf(variant);
            if (i >= 0) return i;
            Variants.Add(variant);
            return Variants.Count - 1;
        }
    }

    /// <summary>Whether events of <paramref name="action"/> are indexed for the project.</summary>
    public bool IsTracked(int project, string action) =>
        _projects.TryGetValue(project, out var p) && p.Actions.ContainsKey(action);

    /// <summary>Starts indexing an action; the caller adds its stored events.</summary>
    public void Track(int project, string action) => Entries(project).Actions.TryAdd(action, new Dictionary<long, List<(long, long)>>());

    /// <summary>Files an impression.</summary>
    public void AddExposure(int project, string experience, string variant, long person, long timeMs)
    {
        var entries = Entries(project);
        if (!entries.Experiences.TryGetValue(experience, out var e))
            entries.Experiences[experience] = e = new ExperienceEntries();
        Add(e.ShardOf(person), person, (e.VariantIndex(variant), timeMs));
    }

    /// <summary>Files an event if its action is tracked.</summary>
    public void AddAction(int project, string action, long person, long timeMs, long seq)
    {
        if (_projects.TryGetValue(project, out var p) && p.Actions.TryGetValue(action, out var byPerson))
            Add(byPerson, person, (timeMs, seq));
    }

    /// <summary>Moves everything of <paramref name="absorbed"/> to <paramref name="kept"/>.</summary>
    public void Merge(int project, long absorbed, long kept)
    {
        if (!_projects.TryGetValue(project, out var p)) return;
        foreach (var e in p.Experiences.Values) Move(e.ShardOf(absorbed), e.ShardOf(kept), absorbed, kept);
        foreach (var byPerson in p.Actions.Values) Move(byPerson, byPerson, absorbed, kept);
    }

    /// <summary>Forgets a person (erasure).</summary>
    public void Remove(int project, long person)
    {
        if (!_projects.TryGetValue(project, out var p)) return;
        foreach (var e in p.Experiences.Values) e.ShardOf(person).Remove(person);
        foreach (var byPerson in p.Actions.Values) byPerson.Remove(person);
    }

    /// <summary>Forgets everything (before a reload).</summary>
    public void Clear() => _projects.Clear();

    /// <summary>Impressions and attributed conversions per variant, exactly as CONTRACT §5 defines them.</summary>
    public IReadOnlyList<VariantCounts> Count(int project, ExperienceDefinition experience, TimeRange range)
    {
        if (!_projects.TryGetValue(project, out var p) || !p.Experiences.TryGetValue(experience.ShortUid, out var e))
            return [];
        var walk = new ShardWalk(e.Variants.Count, experience.Metrics.Count,
            range.From is { } f ? Events.EventTime.ToUnixMs(f) : long.MinValue,
            range.To is { } t ? Events.EventTime.ToUnixMs(t) : long.MaxValue,
            experience.AttributionDays * 86_400_000L,
            experience.Metrics.Select(m => p.Actions.GetValueOrDefault(m)).ToArray());
        var totals = new ShardCounts(e.Variants.Count, experience.Metrics.Count);
        Parallel.For(0, ExperienceEntries.Shards, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new ShardCounts(e.Variants.Count, experience.Metrics.Count),
            (shard, _, counts) => walk.Count(e.ByPerson[shard], counts),
            counts => { lock (totals) totals.Add(counts); });
        var result = new List<VariantCounts>();
        for (var v = 0; v < e.Variants.Count; v++)
        {
            var metrics = new Dictionary<string, MetricCounts>(StringComparer.Ordinal);
            for (var m = 0; m < experience.Metrics.Count; m++)
            {
                if (totals.Conversions[v, m] > 0) metrics[experience.Metrics[m]] = new MetricCounts(totals.Conversions[v, m], totals.Converted[v, m]);
            }
            if (totals.Impressions[v] > 0 || metrics.Count > 0)
                result.Add(new VariantCounts(e.Variants[v], totals.Impressions[v], metrics,
                    totals.Impressions[v] > 0 ? Events.EventTime.FromUnixMs(totals.FirstMs[v]) : null));
        }
        return result;
    }

    /// <summary>Counts of one shard (or, added up, of all).</summary>
    private sealed class ShardCounts(int variants, int metrics)
    {
        public long[] Impressions { get; } = new long[variants];
        public long[] FirstMs { get; } = Enumerable.Repeat(long.MaxValue, variants).ToArray();
        public long[,] Conversions { get; } = new long[variants, metrics];
        public long[,] Converted { get; } = new long[variants, metrics];

        public void Add(ShardCounts other)
        {
            for (var v = 0; v < Impressions.Length; v++)
            {
                Impressions[v] += other.Impressions[v];
                FirstMs[v] = Math.Min(FirstMs[v], other.FirstMs[v]);
                for (var m = 0; m < Conversions.GetLength(1); m++)
                {
                    Conversions[v, m] += other.Conversions[v, m];
                    Converted[v, m] += other.Converted[v, m];
                }
            }
        }
    }

    /// <summary>The attribution rule applied to the persons of one shard.</summary>
    private sealed class ShardWalk(int variants, int metrics, long from, long to, long window,
        Dictionary<long, List<(long TimeMs, long Seq)>>?[] metricEvents)
    {
        public ShardCounts Count(Dictionary<long, List<(int Variant, long TimeMs)>> shard, ShardCounts counts)
        {
            Span<bool> seen = stackalloc bool[variants];
            Span<bool> converted = stackalloc bool[variants];
            foreach (var (person, exposures) in shard)
            {
                seen.Clear();
                foreach (var (v, time) in exposures)
                {
                    if (time < from || time >= to) continue;
                    seen[v] = true;
                    if (time < counts.FirstMs[v]) counts.FirstMs[v] = time;
                }
                for (var v = 0; v < variants; v++)
                {
                    if (seen[v]) counts.Impressions[v]++;
                }
                for (var m = 0; m < metrics; m++)
                {
                    if (metricEvents[m] is not { } byPerson || !byPerson.TryGetValue(person, out var events)) continue;
                    converted.Clear();
                    foreach (var (time, _) in events)
                    {
                        if (time < from || time >= to) continue;
                        seen.Clear();
                        foreach (var (v, exposed) in exposures)
                        {
                            if (exposed <= time && exposed >= time - window) seen[v] = true;
                        }
                        for (var v = 0; v < variants; v++)
                        {
                            if (!seen[v]) continue;
                            counts.Conversions[v, m]++;
                            converted[v] = true;
                        }
                    }
                    for (var v = 0; v < variants; v++)
                    {
                        if (converted[v]) counts.Converted[v, m]++;
                    }
                }
            }
            return counts;
        }
    }

    private ProjectEntries Entries(int project)
    {
        if (!_projects.TryGetValue(project, out var p))
            _projects[project] = p = new ProjectEntries();
        return p;
    }

    private static void Add<T>(Dictionary<long, List<T>> byPerson, long person, T entry)
    {
        if (!byPerson.TryGetValue(person, out var list))
            byPerson[person] = list = new List<T>(2);
        list.Add(entry);
    }

    private static void Move<T>(Dictionary<long, List<T>> source, Dictionary<long, List<T>> target, long from, long to)
    {
        if (!source.Remove(from, out var moving)) return;
        if (target.TryGetValue(to, out var list)) list.AddRange(moving);
        else target[to] = moving;
    }
}
