using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            CommitPlan plan;
            lock (_identities)
            {
                EnsureKeysLoaded();
                plan = PlanCommit(writes, checkKeys: true);
            }
            try
            {
                Apply(plan, appliedPosition: null);
            }
            catch
            {
                // The in-memory graph already holds this batch's links; rebuild it from what is on disk.
                LoadState();
                throw;
            }
            foreach (var hash in plan.KeyHashes)
                _keys.Add(hash);
            IndexCommitted(plan);
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
    }

    private CommitPlan PlanCommit(IReadOnlyList<ProjectWrite> writes, bool checkKeys)
    {
        var plan = new CommitPlan { Outcomes = new WriteOutcome[writes.Count] };
        var keysInBatch = new HashSet<(int, string)>();
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            var project = ProjectNumber(write.ProjectId);
            if (project < 0)
                throw new InvalidOperationException($"unknown project {write.ProjectId}");
            foreach (var link in write.Links)
                LinkIdentifiers(plan, project, link.A, link.B);
            int accepted = 0, duplicates = 0;
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
                var ident = Intern(plan, project, e.Actor);
                if (e.UserId is not null && e.GuestId is not null)
                    LinkIdentifiers(plan, project, Identifier.User(e.UserId), Identifier.Guest(e.GuestId));
                plan.Events.Add((e, project, ident, _nextSeq + plan.Events.Count));
                accepted++;
            }
            foreach (var rejected in write.Rejected)
                plan.Rejected.Add((project, rejected));
            plan.Outcomes[w] = new WriteOutcome(accepted, duplicates);
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

    private void LinkIdentifiers(CommitPlan plan, int project, Identifier a, Identifier b)
    {
        var merged = _identities.Link(Intern(plan, project, a), Intern(plan, project, b));
        if (merged is { } m)
            plan.Merges.Add((m.Kept, m.Absorbed));
    }

    private void Apply(CommitPlan plan, long? appliedPosition)
    {
        using var transaction = _writeConnection.BeginTransaction();
        if (appliedPosition is { } position)
            Execute(_writeConnection, "UPDATE log_applied SET position = $p", ("p", position));
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
        AppendEvents(plan);
        using (var appender = _writeConnection.CreateAppender("rejected"))
        {
            foreach (var (project, r) in plan.Rejected)
                appender.CreateRow().AppendValue(project).AppendValue(r.Time).AppendValue(r.Source).AppendValue(r.Error).AppendValue(r.Raw).EndRow();
        }
        transaction.Commit();
        _nextSeq += plan.Events.Count;
    }

    // One statement for all of the commit's merges. Person numbers are identifier numbers, unique across projects,
    // and an absorbed person's own identifier now points at the final person, even through chains of merges in
    // the same commit; identifiers created in this commit were appended with their final person already.
    private void UpdateMergedPersons(CommitPlan plan)
    {
        if (plan.Merges.Count == 0)
            return;
        var pairs = plan.Merges.Select(m => m.Absorbed).Distinct()
            .Select(absorbed => $"({absorbed}, {_identities.PersonOf(absorbed)})");
        Execute(_writeConnection,
            $"UPDATE idents SET person = m.kept FROM (VALUES {string.Join(", ", pairs)}) AS m(absorbed, kept) WHERE idents.person = m.absorbed");
    }

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
        using (var appender = _writeConnection.CreateAppender("exposures"))
        {
            foreach (var (e, project, ident, _) in plan.Events)
            {
                if (e.Action == BuiltInActions.Impression)
                    appender.CreateRow().AppendValue(project).AppendValue(e.Experience).AppendValue(e.Variant).AppendValue(ident).AppendValue(e.Time).EndRow();
            }
        }
    }
}
