using System.Data.Common;
using System.Text.Json;
using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IPeopleStore
{
    // The person's identifier numbers ($ids, from the identity index or cache), as a subquery.
    private const string PersonIdents = "SELECT unnest($ids)";

    /// <inheritdoc />
    public async Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default)
    {
        var project = ProjectNumber(projectId);
        if (project < 0)
            return null;
        await using var connection = await OpenReadAsync(cancellationToken);
        if (ReadPerson(project, identifier) is not var (ids, identifiers))
            return null;
        long count;
        DateTime? first = null, last = null;
        using (var reader = Query(connection, $"SELECT count(*), min(time), max(time) FROM events WHERE project = $p AND {PersonEvents(ids)}",
            ("p", project)))
        {
            reader.Read();
            count = reader.GetInt64(0);
            if (count > 0)
            {
                first = Utc(reader.GetDateTime(1));
                last = Utc(reader.GetDateTime(2));
            }
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var reader = Query(connection, $"SELECT name, value FROM attributes WHERE project = $p AND ident IN ({PersonIdents}) ORDER BY updated_at",
            ("p", project), ("ids", ids)))
        {
            while (reader.Read())
                attributes[reader.GetString(0)] = reader.GetString(1);
        }
        return new PersonRecord(identifiers, attributes, count, first, last);
    }

    /// <inheritdoc />
    public async Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default)
    {
        var project = ProjectNumber(projectId);
        if (project < 0)
            return new ActivityPage([], null);
        await using var connection = await OpenReadAsync(cancellationToken);
        if (ReadPerson(project, identifier) is not var (ids, _))
            return new ActivityPage([], null);
        var args = new List<(string, object?)> { ("p", project), ("n", (long)limit + 1) };
        if (before is { } cursor)
            args.AddRange([("ct", EventTime.FromUnixMs(cursor.TimeMs)), ("cs", cursor.Order)]);
        // One snapshot for both statements: a commit between them (an erasure) cannot shorten the page.
        using var transaction = connection.BeginTransaction();
        // The page's seqs first, from the columns its order needs; then every column of those events alone. In one
        // statement DuckDB read every column of each of the person's events before ordering them: at 100M events the most
        // active person's export (33 pages) took 17-18 s, and 7-8 s in two steps (docs/benchmarks.md §8).
        // seq orders events of equal time and is unique, so (time, seq) is a position no later insert can take.
        var seqs = new List<long>();
        using (var page = Query(connection,
                   $"""
                   SELECT seq FROM events WHERE project = $p AND {PersonEvents(ids)}
                     {(before is null ? "" : "AND (time < $ct OR (time = $ct AND seq < $cs))")}
                   ORDER BY time DESC, seq DESC LIMIT $n
                   """,
                   args.ToArray()))
        {
            while (page.Read())
                seqs.Add(page.GetInt64(0));
        }
        using var reader = Query(connection,
            $"""
            SELECT event_key, action, time, received_at, user_id, guest_id, session_id, experience, variant, target,
                   source_id, label, params, source
            FROM events WHERE project = $p AND {In("seq", seqs.Take(limit))}
            ORDER BY time DESC, seq DESC
            """,
            ("p", project));
        var list = new List<TrackedEvent>();
        while (reader.Read())
            list.Add(ReadEvent(reader));
        // The seq read asked for one more than the page: there is a next page when it found it.
        return new ActivityPage(list, seqs.Count > limit ? ActivityCursor.After(list[^1], seqs[limit - 1]) : null);
    }

    /// <summary>
    /// The filter on <c>events</c> for the events of a person's identifiers <paramref name="ids"/>: with their seqs from
    /// the identity index too, while they are few, so that DuckDB reads only the row groups that hold one. By identifiers
    /// alone it read every row group of the table: at 100M events a look-up took 0.4-1.6 s and an activity page 3-5 s,
    /// often past the store's deadline (docs/benchmarks.md §8, "A person's events by their seqs"). Past
    /// <see cref="PersonSeqsFiltered"/> events the seqs fill most row groups and the long list saves nothing (at 100M,
    /// the export of a person of 2,043 events: 3.3-3.7 s by seqs, 2.6 s by identifier). A caller that waited
    /// for its events finds their seqs in the index (the applier writes it after each commit); a seq of an event
    /// committed after the read's snapshot matches no row.
    /// </summary>
    private string PersonEvents(List<long> ids)
    {
        var seqs = Index.EventSeqs(ids);
        return seqs.Count <= PersonSeqsFiltered ? $"{In("ident", ids)} AND {In("seq", seqs)}" : In("ident", ids);
    }

    private const int PersonSeqsFiltered = 1_000;

    private static TrackedEvent ReadEvent(DbDataReader r) => new()
    {
        Key = NullableString(r, 0),
        Action = r.GetString(1),
        Time = Utc(r.GetDateTime(2)),
        ReceivedAt = Utc(r.GetDateTime(3)),
        UserId = NullableString(r, 4),
        GuestId = NullableString(r, 5),
        SessionId = NullableString(r, 6),
        Experience = NullableString(r, 7),
        Variant = NullableString(r, 8),
        Target = TargetJson.Read(NullableString(r, 9)),
        SourceId = NullableString(r, 10),
        Label = NullableString(r, 11),
        ParamsJson = NullableString(r, 12),
        Source = r.GetString(13),
    };

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <inheritdoc />
    public Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default) =>
        WriteAsync(() =>
        {
            var project = ProjectNumber(projectId);
            long id;
            bool created;
            lock (_identities)
            {
                CacheIdentities(project, [identifier]);
                id = _identities.GetOrAdd(project, identifier.Key, out created);
            }
            long? generation = null;
            using var transaction = _writeConnection.BeginTransaction();
            if (created)
            {
                Execute(_writeConnection, "INSERT INTO idents VALUES ($id, $p, $key, $id)", ("id", id), ("p", project), ("key", identifier.Key));
                generation = LogIdentityChange([id]);
            }
            var now = EventTime.Now(_clock);
            foreach (var (name, value) in attributesJson)
            {
                Execute(_writeConnection, "INSERT OR REPLACE INTO attributes VALUES ($p, $id, $n, $v, $t)",
                    ("p", project), ("id", id), ("n", name), ("v", value), ("t", now));
            }
            transaction.Commit();
            IndexCommitted(generation, rowsUpTo: null, batch => Put(batch, id, [(id, project, identifier.Key)]));
        }, cancellationToken);

    /// <summary>Beyond this many events, an erasure deletes a person's rows this many at a time (see <see cref="DeleteInChunks"/>).</summary>
    internal int ErasureChunkRows { get; set; } = 4_000;

    /// <inheritdoc />
    public async Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var project = ProjectNumber(projectId);
            if (project < 0)
                return 0;
            long? person = null;
            List<long> ids = [];
            List<string> keys = [identifier.Key];
            lock (_identities)
            {
                CacheIdentities(project, [identifier]);
                if (_identities.Find(project, identifier.Key) is { } id)
                {
                    person = _identities.PersonOf(id);
                    ids = [.. _identities.Members(person.Value)];
                    keys = ids.Select(_identities.KeyOf).Append(identifier.Key).Distinct().ToList();
                }
            }
            long erased = 0;
            long? generation = null;
            // Their events by seq, from the identity index (written with every commit, caught up at start): DuckDB then
            // reads only the row groups that hold one (a filter on identifiers alone reads every row group of the table).
            // At 10M events, cold, that took a fifth to a half of the time for persons of 40 and 166 events; at 100M the
            // deletes of one of 2,043, whose events reach most row groups, took 0.65 s against 0.83 s (docs/benchmarks.md §8).
            var seqs = person is null ? [] : Index.EventSeqs(ids);
            // Their touches' item days, queued for a recount with each delete, from the same index: a delete returning them
            // took 2-3x as long as the delete alone at 100M events (docs/benchmarks.md section 8).
            var touchDays = person is null ? [] : Index.TouchRows(ids).ToDictionary(t => t.Seq, t => (t.Item, DayOf(t.Time)));
            var chunks = seqs.Chunk(ErasureChunkRows).ToList();
            if (chunks.Count > 1)
                erased = DeleteInChunks(project, ids, chunks[..^1], touchDays);
            using (var transaction = _writeConnection.BeginTransaction())
            {
                if (person is not null)
                {
                    (string, object?)[] args = [("p", project), ("person", person)];
                    erased += DeleteEventRows(project, ids, chunks.Count > 0 ? chunks[^1] : [], touchDays);
                    // Impressions keep no seq here: those go by identifier (a tenth of the events of bench/Footfall.DataGen's shop).
                    foreach (var table in new[] { "exposures", "attributes" })
                        Execute(_writeConnection, $"DELETE FROM {table} WHERE project = $p AND {In("ident", ids)}", args);
                    var totals = new TotalsChange();
                    ChangeRollup(totals, -1, $"DELETE FROM exposed WHERE project = $p AND person = $person {ReturningExposed}", args);
                    ChangeRollup(totals, -1, $"DELETE FROM attributed WHERE project = $p AND person = $person {ReturningAttributed}", args);
                    ApplyTotals(totals);
                    RecountFirstImpressions(totals);
                    Execute(_writeConnection, $"DELETE FROM idents WHERE project = $p AND {In("id", ids)}", args);
                    // Counted visits are filed under a person as of the last refresh: any of the identifiers.
                    QueueModelChanges(ids.Select(id => (project, id)));
                    generation = LogIdentityChange([person.Value]);
                }
                // Rejected events go by the identifiers extracted when they were kept aside, matched exactly; they may
                // name someone whose every event was rejected, so the person need not be known.
                var quarantined = 0;
                foreach (var key in keys)
                    quarantined += Execute(_writeConnection, "DELETE FROM rejected WHERE project = $p AND list_contains(idents, $k)", ("p", project), ("k", key));
                // The deleted rows' bytes stay in the file until it is compacted (DuckDbEventStore.Compaction.cs).
                if (person is not null || quarantined > 0)
                    Execute(_writeConnection, "INSERT OR REPLACE INTO store_state VALUES ($n, 'true')", ("n", CompactionPending));
                transaction.Commit();
            }
            if (person is { } erasedPerson && generation is { } committed)
            {
                lock (_identities)
                {
                    WriteIdentityIndex(committed, rowsUpTo: null, batch =>
                    {
                        Index.Forget(batch, erasedPerson);
                        Index.ForgetRows(batch, ids);
                    });
                    _identities.Remove(erasedPerson);
                }
            }
            return erased;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes a person's events, metric events and product touches by their seqs, a chunk of <see cref="ErasureChunkRows"/>
    /// at a time, each committed and checkpointed; the erasure's transaction then takes the last chunk. A DELETE holds
    /// ~17 KB of DuckDB's memory for every 2,048-row vector it touches until the next checkpoint (DuckDbEventStore.CoVisits.cs):
    /// in one transaction, the ~30K vectors of the most active person at 100M events ran a 384MB buffer out of memory
    /// and the erasure failed. Each chunk marks the file for compaction and queues the person's kept visits and item
    /// days, so a crash between chunks leaves no erased byte in the file after the next start, and erasing the person
    /// again (they are still found) completes it. Caller holds the write gate.
    /// </summary>
    private long DeleteInChunks(int project, List<long> ids, IEnumerable<long[]> chunks, Dictionary<long, (string Item, long Day)> touchDays)
    {
        long erased = 0;
        foreach (var chunk in chunks)
        {
            using (var transaction = _writeConnection.BeginTransaction())
            {
                erased += DeleteEventRows(project, ids, chunk, touchDays);
                QueueModelChanges(ids.Select(id => (project, id)));
                Execute(_writeConnection, "INSERT OR REPLACE INTO store_state VALUES ($n, 'true')", ("n", CompactionPending));
                transaction.Commit();
            }
            TryCheckpoint(_writeConnection, "a chunk of an erasure");
        }
        return erased;
    }

    /// <summary>
    /// Deletes the events, metric events and product touches of identifiers <paramref name="ids"/> of project
    /// <paramref name="project"/> with a seq in <paramref name="seqs"/>, queueing the item days of the touches among them
    /// (<paramref name="touchDays"/>, by seq); returns the events deleted. Inside the writer's transaction.
    /// </summary>
    private long DeleteEventRows(int project, List<long> ids, long[] seqs, Dictionary<long, (string Item, long Day)> touchDays)
    {
        var rows = $"{In("ident", ids)} AND {In("seq", seqs)}";
        var erased = Execute(_writeConnection, $"DELETE FROM events WHERE project = $p AND {rows}", ("p", project));
        Execute(_writeConnection, $"DELETE FROM metric_events WHERE project = $p AND {rows}", ("p", project));
        Execute(_writeConnection, $"DELETE FROM product_touches WHERE project = $p AND {rows}", ("p", project));
        QueueItemDays(project, seqs.Where(touchDays.ContainsKey).Select(seq => touchDays[seq]));
        return erased;
    }
}
