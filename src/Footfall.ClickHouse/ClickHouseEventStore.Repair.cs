using System.Text;
using Footfall.Events;
using Microsoft.Extensions.Logging;
using static Footfall.ClickHouse.ClickHouseSql;

namespace Footfall.ClickHouse;

public sealed partial class ClickHouseEventStore
{
    // Links younger than this at a start-up are checked again at the next one: a node still running may write their
    // persons rows after this start-up looked, and node clocks (which stamp ord) may differ by less than this.
    private static readonly TimeSpan RepairOverlap = TimeSpan.FromMinutes(10);

    // Identifiers per IN list: keeps each query's text and its IN set small (the store raises max_query_size to 16 MiB
    // for the applier's key look-ups, but a link repair can name every identifier of a project).
    private const int IdentifierChunk = 2_000;

    /// <summary>
    /// At start-up, re-derives the person of every identifier named by a link stored since the previous start-up's
    /// checkpoint (less <see cref="RepairOverlap"/>) and rewrites any whose stored person disagrees, in persons or in
    /// the derived linked_persons: heals a node that died between writing a link and writing its persons, or inside the
    /// persons insert before its view had run. Only those links' components are read, not every link.
    /// </summary>
    private async Task RepairPersonsAsync(CancellationToken cancellationToken)
    {
        var checkedUpTo = Long((await _http.QueryAsync("SELECT max(checked_ord) FROM person_repairs", cancellationToken))[0][0]);
        var nextCheckpoint = (EventTime.ToUnixMs(EventTime.Now(_clock)) - (long)RepairOverlap.TotalMilliseconds) * 1000;
        var read = new Dictionary<string, PersonComponents>(StringComparer.Ordinal);
        foreach (var r in await _http.QueryAsync($"SELECT project, a, b FROM links WHERE ord > {Num(checkedUpTo)}", cancellationToken))
        {
            if (!read.TryGetValue(r[0]!, out var c))
                read[r[0]!] = c = new PersonComponents();
            c.Union(r[1]!, r[2]!);
        }
        var fixes = new StringBuilder();
        var count = 0;
        foreach (var (project, some) in read)
        {
            // The first check (a database from before checkpoints) read every link, so its components are whole; later
            // ones follow the new links' identifiers through older links.
            var components = checkedUpTo == 0
                ? some
                : await ComponentsAsync(project, some.Components().SelectMany(c => c), cancellationToken);
            var all = components.Components().SelectMany(c => c).ToList();
            var stored = await StoredPersonsAsync("persons", project, all, cancellationToken);
            var linked = await StoredPersonsAsync("linked_persons", project, all, cancellationToken);
            foreach (var component in components.Components())
            {
                var size = component.Count();
                foreach (var ident in component)
                {
                    if (stored.GetValueOrDefault(ident) == component.Key && linked.GetValueOrDefault(ident) == component.Key) continue;
                    AppendRow(fixes, project, ident, component.Key, Num(size));
                    count++;
                }
            }
        }
        await _http.InsertAsync("persons", "project, ident, person, size", fixes, cancellationToken);
        if (count > 0)
            _logger.LogWarning("Repaired the person of {Count} identifiers from stored links", count);
        if (nextCheckpoint > checkedUpTo)
            await _http.InsertAsync("person_repairs", "checked_ord", Row(Num(nextCheckpoint)), cancellationToken);
    }

    private async Task<Dictionary<string, string>> StoredPersonsAsync(string table, string project, IReadOnlyCollection<string> idents,
        CancellationToken cancellationToken)
    {
        var persons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in idents.Chunk(IdentifierChunk))
        {
            foreach (var r in await _http.QueryAsync(
                $"SELECT ident, argMax(person, size) FROM {table} WHERE project = {Quote(project)} AND ident IN {List(chunk)} GROUP BY ident",
                cancellationToken))
                persons[r[0]!] = r[1]!;
        }
        return persons;
    }
}
