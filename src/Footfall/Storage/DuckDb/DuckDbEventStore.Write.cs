using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;
using Microsoft.Extensions.Logging;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : IEventCommitter
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_broken is not null)
                throw Invalidated(_broken);
            CommitPlan plan;
            lock (_identities)
            {
                // A link alone (the merge endpoints, with log-first ingest) needs no keys: no scan for it.
                if (writes.Any(w => w.Events.Any(e => e.Key is not null)))
                    EnsureKeysLoaded();
                plan = PlanCommit(writes, checkKeys: _keysLoaded);
            }
            try
            {
                Apply(plan, appliedPosition: null);
            }
            catch when (_broken is null)
            {
                // The identity cache already holds this batch's links; rebuild it from what is on disk.
                LoadState();
                throw;
            }
            foreach (var hash in plan.KeyHashes)
                _keys.Add(hash);
            return plan.Outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Everything one commit will write, decided in memory before the transaction opens.</summary>
    private sealed class CommitPlan
    {
        public required WriteOutcome[] Outcomes { get; init; }
        public List<long> NewIdentifiers { get; } = [];
        public List<(long Kept, long Absorbed)> Merges { get; } = [];
        public List<(TrackedEvent Event, int Project, long Ident, long Seq)> Events { get; } = [];
        public List<(int Project, RejectedEvent Rejected)> Rejected { get; } = [];
        public List<long> KeyHashes { get; } = [];
        /// <summary>The ident_log generation the commit writes, when it changes the identity map.</summary>
        public long? IdentityGeneration { get; set; }

        /// <summary>The commit's impressions, which results count.</summary>
        public List<(long Ident, long Seq, IdentityIndex.Exposure Row)> Exposures { get; } = [];

        /// <summary>The commit's events of tracked metrics, which results count for the experiences that name them.</summary>
        public List<(long Ident, long Seq, IdentityIndex.MetricEvent Row)> MetricEvents { get; } = [];

        /// <summary>The events that are product touches, in seq order; taken once the plan is complete (the commit and the index write read them).</summary>
        public List<(TrackedEvent Event, int Project, long Ident, long Seq)> ProductTouches =>
            _productTouches ??= Events.Where(e => e.Event.Product is not null && BuiltInActions.ProductActions.Contains(e.Event.Action)).ToList();

        private List<(TrackedEvent Event, int Project, long Ident, long Seq)>? _productTouches;
    }

    private CommitPlan PlanCommit(IReadOnlyList<ProjectWrite> writes, bool checkKeys)
    {
        CacheIdentities(writes);
        var plan = new CommitPlan { Outcomes = new WriteOutcome[writes.Count] };
        var keysInBatch = new HashSet<(int, string)>();
        var now = EventTime.Now(_clock);
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            var project = ProjectNumber(write.ProjectId);
            if (project < 0)
                throw new InvalidOperationException($"unknown project {write.ProjectId}");
            var stored = new List<TrackedEvent>(write.Events.Count);
            var duplicates = 0;
            foreach (var e in write.Events)
            {
                if (checkKeys && e.Key is not null)
                {
                    var hash = EventKeyIndex.Hash(project, e.Key);
                    if (!keysInBatch.Add((project, e.Key)) || _keys.MightContain(hash) && KeyStored(project, e.Key))
                    {
                        duplicates++;
                        continue;
                    }
                    plan.KeyHashes.Add(hash);
                }
                stored.Add(e);
            }
            var refused = LinkSequence.Apply(write, stored, new Linker(this, plan, project, now));
            foreach (var rejected in write.Rejected)
                plan.Rejected.Add((project, rejected));
            plan.Outcomes[w] = new WriteOutcome(stored.Count, duplicates, refused);
        }
        return plan;
    }

    private bool KeyStored(int project, string key) =>
        Scalar<long>(_writeConnection, "SELECT count(*) FROM events WHERE project = $p AND event_key = $k", ("p", project), ("k", key)) > 0;

    private long Intern(CommitPlan plan, int project, Identifier identifier)
    {
        var id = _identities.GetOrAdd(project, identifier.Key, out var created);
        if (created)
            plan.NewIdentifiers.Add(id);
        return id;
    }

    /// <summary>Applies one write's links to the identity cache (the persons the batch names) and plans the rows they change.</summary>
    private sealed class Linker(DuckDbEventStore store, CommitPlan plan, int project, DateTime now) : IPersonLinker
    {
        private readonly IdentityGraph _identities = store._identities;

        public void Merge(Identifier a, Identifier b) => Join([a, b]);

        public bool TryLink(IReadOnlyList<Identifier> group, string source)
        {
            var sides = new LinkSide<long>[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                sides[i] = _identities.Find(project, group[i].Key) is { } id && _identities.PersonOf(id) is var person
                    ? new LinkSide<long>(group[i], true, person, _identities.IsIdentified(person))
                    : new LinkSide<long>(group[i], false, 0, false);
            }
            // Every event of a signed-in visitor names a pair that is already one person.
            if (sides.All(s => s.Known && s.Person == sides[0].Person))
                return true;
            if (LinkRule.Decide(sides) is not null)
            {
                plan.Rejected.Add((project, LinkRule.Rejection(group, now, source)));
                return false;
            }
            Join(group);
            return true;
        }

        // A refused link leaves the event with its own identifier: the user id when it has one.
        public void Stored(TrackedEvent storedEvent) =>
            plan.Events.Add((storedEvent, project, store.Intern(plan, project, storedEvent.Actor), store._nextSeq + plan.Events.Count));

        private void Join(IReadOnlyList<Identifier> group)
        {
            var first = store.Intern(plan, project, group[0]);
            foreach (var other in group.Skip(1))
            {
                if (_identities.Link(first, store.Intern(plan, project, other)) is { } m)
                    plan.Merges.Add((m.Kept, m.Absorbed));
            }
        }
    }

    private void Apply(CommitPlan plan, long? appliedPosition)
    {
        var transaction = _writeConnection.BeginTransaction();
        try
        {
            if (appliedPosition is { } position)
                Execute(_writeConnection, "UPDATE log_applied SET position = $p", ("p", position));
            Append(plan);
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
        try
        {
            transaction.Commit();
        }
        catch (DuckDBException ex) when (ex.Message.Contains(CheckpointFailed, StringComparison.Ordinal))
        {
            // Once the WAL is past its threshold, DuckDB commits by checkpointing, and then does not write the commit
            // to the WAL. A checkpoint that fails (a full disk) thus loses the commit (measured with DuckDB 1.5: after
            // a restart the batch is not there) and invalidates the database. So the commit is refused (503, the
            // client retries), and every later call too, until the process restarts and replays the WAL.
            _broken = ex;
            _logger.LogCritical(ex, "A checkpoint failed inside a commit; the commit is refused and the database needs a restart");
            throw new StoreBrokenException("a DuckDB checkpoint failed (is the disk full?); the process must restart", ex);
        }
        _nextSeq += plan.Events.Count;
        IndexCommitted(plan);
    }

    /// <summary>What DuckDB's COMMIT error says when the checkpoint it ran failed.</summary>
    private const string CheckpointFailed = "Failed to create checkpoint";

    private void Append(CommitPlan plan)
    {
        plan.IdentityGeneration = LogIdentityChange(ChangedPersons(plan));
        using (var appender = _writeConnection.CreateAppender("idents"))
        {
            foreach (var id in plan.NewIdentifiers)
            {
                var key = _identities.KeyOf(id);
                appender.CreateRow().AppendValue(id).AppendValue(_identities.ProjectOf(id)).AppendValue(key)
                    .AppendValue(_identities.PersonOf(id)).EndRow();
            }
        }
        UpdateMergedPersons(plan);
        PlanResultRows(plan);
        AppendEvents(plan);
        AppendResultRows(plan);
        AppendProductTouches(plan);
        RefreshRollups(plan);
        using (var appender = _writeConnection.CreateAppender("rejected"))
        {
            foreach (var (project, r) in plan.Rejected)
                appender.CreateRow().AppendValue(project).AppendValue(r.Time).AppendValue(r.Source).AppendValue(r.Error).AppendValue(r.Raw)
                    .AppendValue(r.Identifiers.Select(i => i.Key).ToList()).EndRow();
        }
    }

    // One statement for all of the commit's merges. Person numbers are identifier numbers, unique across projects, and an
    // absorbed person's own identifier now points at the final person, even through chains of merges in the same
    // commit; identifiers appended in this commit carry their final person already. Rows are found through the
    // identifier index, by the identifiers of the final persons (cached whole); DuckDB reads an index only for a filter
    // on one column, so the absorbed persons are picked out by the CASE, not by a second filter or a join. No other
    // table carries a person: they are joined to idents when read, so a link re-keys nothing else.
    private void UpdateMergedPersons(CommitPlan plan)
    {
        if (plan.Merges.Count == 0)
            return;
        var absorbed = plan.Merges.Select(m => m.Absorbed).Distinct().ToList();
        var final = string.Join(" ", absorbed.Select(a => $"WHEN {a} THEN {_identities.PersonOf(a)}"));
        Execute(_writeConnection, $"UPDATE idents SET person = CASE person {final} ELSE person END WHERE {In("id", IdentifiersOf(absorbed))}");
        // Both persons' counted visits are now someone else's (or more): the next model refresh recounts them.
        QueueModelChanges(plan.Merges.SelectMany(m => new[] { m.Absorbed, _identities.PersonOf(m.Kept) }).Distinct()
            .Select(person => (_identities.ProjectOf(person), person)));
    }

    /// <summary>Every identifier of the persons <paramref name="persons"/> are now (absorbed ones included), from the cache. Caller holds the cache.</summary>
    private List<long> IdentifiersOf(IEnumerable<long> persons) =>
        persons.Select(_identities.PersonOf).Distinct().SelectMany(_identities.Members).ToList();

    private void AppendEvents(CommitPlan plan)
    {
        using (var appender = _writeConnection.CreateAppender("events"))
        {
            foreach (var (e, project, ident, seq) in plan.Events)
            {
                appender.CreateRow()
                    .AppendValue(seq).AppendValue(project).AppendValue(ident).AppendValue(e.Time)
                    .AppendValue(e.Action).AppendValue(e.Product).AppendValue(e.Experience).AppendValue(e.Variant)
                    .AppendValue(e.Key).AppendValue(e.ReceivedAt).AppendValue(e.UserId).AppendValue(e.GuestId)
                    .AppendValue(e.SessionId).AppendValue(TargetJson.Write(e.Target))
                    .AppendValue(e.SourceId).AppendValue(e.Label).AppendValue(e.ParamsJson).AppendValue(e.Source)
                    .EndRow();
            }
        }
    }
}
