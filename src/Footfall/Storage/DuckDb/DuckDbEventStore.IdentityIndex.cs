using Footfall.Events;
using Microsoft.Extensions.Logging;
using RocksDbSharp;

namespace Footfall.Storage.DuckDb;

/// <summary>The identity index's upkeep: opened and caught up at start, logged and written with each change, flushed, closed.</summary>
public sealed partial class DuckDbEventStore
{
    // Persons logged between two flushes of the identity index: what a restart after a crash re-derives at most, and
    // what ident_log holds at most.
    private const int IdentityIndexFlushEvery = 50_000;

    // Point look-ups into idents (IdentityIndex explains how it stays right); opened by InitializeAsync.
    private IdentityIndex? _identityIndex;
    // The last ident_log generation committed, and the persons logged since the index was last flushed.
    private long _identityGeneration;
    private int _personsLoggedSinceFlush;

    /// <summary>
    /// Opens the identity index and brings it to the last committed generation: the persons logged since its
    /// position are re-derived from idents; an index that is new, ahead of the log or behind its trimmed start is
    /// rebuilt whole (once, on the first start of a folder written before it existed). Caller holds the gate.
    /// </summary>
    private void OpenIdentityIndex()
    {
        // A new index (or one deleted as damaged) has no position: it is rebuilt whole below.
        _identityIndex ??= Ingest.DerivedIndex.OpenOrRebuild(_path + ".identities", IdentityIndex.Open, _logger, "identity index", out _);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long generation, oldest;
        using (var reader = Query(_writeConnection, "SELECT coalesce(max(gen), 0), coalesce(min(gen), 0) FROM ident_log"))
        {
            reader.Read();
            (generation, oldest) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var position = _identityIndex.Position;
        if (position == generation)
            _logger.LogInformation("The identity index is at generation {Generation}", generation);
        else if (position is { } behind && behind < generation && behind + 1 >= oldest)
            CatchUpIdentityIndex(behind, generation);
        else
            RebuildIdentityIndex(generation);
        _identityGeneration = generation;
        CatchUpTouches();
        CatchUpResultRows();
        CatchUpEvents();
        // Durable now, so a crash soon after does not redo a rebuild. ident_log is trimmed at the next flush, not here:
        // after a crash the first commit checkpoints the WAL DuckDB replayed (up to checkpoint_threshold, ~2 s at
        // 100M events), which is the applier's to pay, not the start's (docs/benchmarks.md section 8).
        Index.Checkpoint();
        // What ident_log still holds counts toward the next flush, so it stays within IdentityIndexFlushEvery.
        _personsLoggedSinceFlush = (int)Scalar<long>(_writeConnection, "SELECT count(*) FROM ident_log");
        _logger.LogInformation("Identity index ready in {Ms} ms", (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void CatchUpIdentityIndex(long position, long generation)
    {
        var persons = new List<long>();
        using (var reader = Query(_writeConnection, "SELECT DISTINCT person FROM ident_log WHERE gen > $g", ("g", position)))
        {
            while (reader.Read())
                persons.Add(reader.GetInt64(0));
        }
        using var batch = new WriteBatch();
        // An identifier the index lists that idents no longer holds was erased: its rows go with it. A merged
        // person's identifiers are all still there, under the person they joined, and keep their rows.
        var listed = Index.Members(persons).SelectMany(m => m).Select(m => m.Id).ToList();
        var kept = new HashSet<long>();
        using (var reader = Query(_writeConnection, "SELECT id FROM idents WHERE id IN (SELECT unnest($ids))", ("ids", listed)))
        {
            while (reader.Read())
                kept.Add(reader.GetInt64(0));
        }
        foreach (var person in persons)
            Index.Forget(batch, person);
        Index.ForgetRows(batch, listed.Where(id => !kept.Contains(id)));
        using (var reader = Query(_writeConnection, "SELECT id, project, key, person FROM idents WHERE person IN (SELECT unnest($persons)) ORDER BY person",
            ("persons", persons)))
        {
            foreach (var (person, members) in Persons(reader))
                Put(batch, person, members);
        }
        Index.Write(batch, generation);
        _logger.LogWarning("The identity index was behind (a crash): re-derived {Persons} persons of generations {From}-{To}",
            persons.Count, position + 1, generation);
    }

    private void RebuildIdentityIndex(long generation)
    {
        Index.Clear();
        using var loader = new IdentityIndex.Loader(Index);
        var identifiers = 0L;
        using (var reader = Query(_writeConnection, "SELECT id, project, key, person FROM idents ORDER BY person"))
        {
            foreach (var (person, members) in Persons(reader))
            {
                Put(loader.Batch, person, members);
                identifiers += members.Count;
                loader.Added(members.Count + 1);
            }
        }
        loader.Finish(generation);
        _logger.LogInformation("Built the identity index from {Identifiers} identifiers", identifiers);
    }

    /// <summary>
    /// Puts into the index every touch of product_touches past its touch position (all of them for an index that has
    /// none: a new index, or a folder written before touches were indexed). After the identity catch-up, which removed
    /// the touches of identifiers erased since. Caller holds the gate.
    /// </summary>
    private void CatchUpTouches() => CatchUp("product_touches", Index.TouchPosition, "product touches", (loader, from) =>
    {
        var touches = 0L;
        using var reader = Query(_writeConnection, "SELECT ident, seq, time, action, item FROM product_touches WHERE seq > $s", ("s", from));
        for (; reader.Read(); touches++, loader.Added())
            IdentityIndex.PutTouch(loader.Batch, reader.GetInt64(0), reader.GetInt64(1), Utc(reader.GetDateTime(2)), reader.GetString(3), reader.GetString(4));
        return touches;
    }, (loader, last) => loader.Finish(touchedUpTo: last));

    /// <summary>
    /// Puts into the index every impression and metric event past its result position (all of them for an index that
    /// has none: a new index, or a folder written before they were indexed). Impressions are read from the events (the
    /// exposures table keeps no seq); events are appended in seq order, so a recent position skips all but the newest
    /// row groups. A tracked metric's back-fill lies below the position: it is put before its commit (TrackMetrics).
    /// Caller holds the gate.
    /// </summary>
    private void CatchUpResultRows() => CatchUp("events", Index.ResultPosition, "impressions and metric events", (loader, from) =>
    {
        var rows = 0L;
        using (var reader = Query(_writeConnection, $"""
            SELECT ident, seq, project, experience, variant, time FROM events WHERE seq > $s AND action = '{BuiltInActions.Impression}'
            """, ("s", from)))
        {
            for (; reader.Read(); rows++, loader.Added())
            {
                IdentityIndex.PutExposure(loader.Batch, reader.GetInt64(0), reader.GetInt64(1),
                    new(reader.GetInt32(2), reader.GetString(3), reader.GetString(4), Utc(reader.GetDateTime(5))));
            }
        }
        using (var reader = Query(_writeConnection, "SELECT ident, seq, project, action, time FROM metric_events WHERE seq > $s", ("s", from)))
        {
            for (; reader.Read(); rows++, loader.Added())
                IdentityIndex.PutMetricEvent(loader.Batch, reader.GetInt64(0), reader.GetInt64(1), new(reader.GetInt32(2), reader.GetString(3), Utc(reader.GetDateTime(4))));
        }
        return rows;
    }, (loader, last) => loader.Finish(resultsUpTo: last));

    /// <summary>
    /// Puts into the index the seq of every event past its event position that is not a product touch (all of them for
    /// an index that has none: a new index, or a folder written before event seqs were indexed, which reads every event
    /// once). After the touches' catch-up, which put every touch: the rule is product_touches' own. Impressions and
    /// metric events are put here too (a commit puts them under their own tag only): an erasure reads the seqs of every
    /// tag. Caller holds the gate.
    /// </summary>
    private void CatchUpEvents() => CatchUp("events", Index.EventPosition, "event seqs", (loader, from) =>
    {
        var events = 0L;
        using var reader = Query(_writeConnection, $"""
            SELECT ident, seq FROM events WHERE seq > $s AND NOT (item IS NOT NULL AND action IN ({ProductActionList}))
            """, ("s", from));
        for (; reader.Read(); events++, loader.Added())
            IdentityIndex.PutEvent(loader.Batch, reader.GetInt64(0), reader.GetInt64(1));
        return events;
    }, (loader, last) => loader.Finish(eventsUpTo: last));

    /// <summary>
    /// One catch-up of the index's rows: when <paramref name="table"/> holds seqs past <paramref name="position"/> (all
    /// of them when null), <paramref name="put"/> puts the rows past it in the loader's batches and returns how many,
    /// and <paramref name="finish"/> writes the last batch with the new position. Caller holds the gate.
    /// </summary>
    private void CatchUp(string table, long? position, string rows, Func<IdentityIndex.Loader, long, long> put, Action<IdentityIndex.Loader, long> finish)
    {
        var from = position ?? -1;
        // Past the position only: the row groups below it are skipped by their zone maps (max over the whole table
        // read 65M seqs at 100M events, 0.5 s of a restart).
        var last = Scalar<long>(_writeConnection, $"SELECT coalesce(max(seq), -1) FROM {table} WHERE seq > $s", ("s", from));
        if (last <= from)
            return;
        using var loader = new IdentityIndex.Loader(Index);
        var count = put(loader, from);
        finish(loader, last);
        _logger.LogInformation("Put {Rows} {What} past seq {Position} into the identity index", count, rows, from);
    }

    /// <summary>The rows (id, project, key, person) of a reader ordered by person, a person at a time.</summary>
    private static IEnumerable<(long Person, List<(long Id, int Project, string Key)> Members)> Persons(System.Data.Common.DbDataReader reader)
    {
        var members = new List<(long Id, int Project, string Key)>();
        var person = 0L;
        while (reader.Read())
        {
            if (reader.GetInt64(3) != person && members.Count > 0)
            {
                yield return (person, members);
                members = [];
            }
            person = reader.GetInt64(3);
            members.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }
        if (members.Count > 0)
            yield return (person, members);
    }

    private static void Put(WriteBatch batch, long person, List<(long Id, int Project, string Key)> members)
    {
        foreach (var (id, project, key) in members)
            IdentityIndex.PutIdentifier(batch, id, project, key, person);
        IdentityIndex.PutPerson(batch, person, members);
    }

    /// <summary>
    /// Logs the persons a transaction creates, merges or erases in ident_log, inside that transaction; returns the
    /// generation to write to the index once it commits, or null when nothing changed. Caller holds the gate.
    /// </summary>
    private long? LogIdentityChange(IReadOnlyCollection<long> persons)
    {
        if (persons.Count == 0)
            return null;
        var generation = _identityGeneration + 1;
        _personsLoggedSinceFlush += persons.Count;
        using var appender = _writeConnection.CreateAppender("ident_log");
        foreach (var person in persons)
            appender.CreateRow().AppendValue(generation).AppendValue(person).EndRow();
        return generation;
    }

    /// <summary>
    /// Brings the index to a committed generation. A failure leaves the index behind what the writer's next batch
    /// would read, so the store refuses every call until a restart catches the index up. Caller holds the gate.
    /// </summary>
    private void WriteIdentityIndex(long? generation, long? rowsUpTo, Action<WriteBatch> change)
    {
        try
        {
            using var batch = new WriteBatch();
            change(batch);
            Index.Write(batch, generation, rowsUpTo, rowsUpTo, rowsUpTo);
            _identityGeneration = generation ?? _identityGeneration;
            if (_personsLoggedSinceFlush >= IdentityIndexFlushEvery)
                FlushIdentityIndex();
        }
        catch (RocksDbException ex)
        {
            _broken = ex;
            _logger.LogCritical(ex, "Writing the identity index failed after a commit; the store needs a restart");
            throw new StoreBrokenException("the identity index could not be written; the process must restart", ex);
        }
    }

    /// <summary>Makes the index durable and trims ident_log below it. Caller holds the gate.</summary>
    private void FlushIdentityIndex()
    {
        var durable = Index.Checkpoint();
        _personsLoggedSinceFlush = 0;
        // The last generation stays: its number is where the next one counts from.
        Execute(_writeConnection, "DELETE FROM ident_log WHERE gen < $g", ("g", durable));
    }

    /// <summary>Flushes the index, so the next start needs no catch-up, and closes it. Caller holds the gate.</summary>
    private void DisposeIdentityIndex()
    {
        try
        {
            _identityIndex?.Checkpoint();
        }
        catch (RocksDbException ex)
        {
            _logger.LogWarning(ex, "Flushing the identity index at shutdown failed; the next start re-derives what it lost from ident_log");
        }
        _identityIndex?.Dispose();
    }
}
