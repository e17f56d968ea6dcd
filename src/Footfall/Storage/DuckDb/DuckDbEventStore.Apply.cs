namespace Footfall.Storage.DuckDb;

public sealed partial class DuckDbEventStore : ILogSink
{
    // The position the last apply committed (-1: read it from the table), so each apply saves a query.
    private long _appliedPosition = -1;

    /// <inheritdoc />
    public IEnumerable<(string ProjectId, string Key)> StoredKeys()
    {
        using var reader = Query(_writeConnection,
            "SELECT p.id, e.event_key FROM events e JOIN projects p ON p.no = e.project WHERE e.event_key IS NOT NULL");
        while (reader.Read())
            yield return (reader.GetString(0), reader.GetString(1));
    }

    /// <inheritdoc />
    public async Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Scalar<long>(_writeConnection, "SELECT position FROM log_applied");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public TimeSpan ApplyInterval => TimeSpan.Zero;

    /// <inheritdoc />
    public async Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds, CancellationToken cancellationToken = default)
    {
        var nextPosition = entryEnds[^1];
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_broken is not null)
                throw Invalidated(_broken);
            // The position is read under the gate, in the transaction's order: a replay after a crash meets the
            // position its first application wrote, and stores nothing.
            if (_appliedPosition < 0)
                _appliedPosition = Scalar<long>(_writeConnection, "SELECT position FROM log_applied");
            if (_appliedPosition >= nextPosition)
                return [];
            CommitPlan plan;
            lock (_identities)
            {
                plan = PlanCommit(writes, checkKeys: false);
                // Keys stored here are not in the in-memory index; the synchronous path reloads it when next used.
                _keysLoaded = false;
            }
            try
            {
                Apply(plan, nextPosition);
                _appliedPosition = nextPosition;
            }
            catch
            {
                _appliedPosition = -1;
                if (_broken is null)
                    LoadState();
                throw;
            }
            return plan.Outcomes;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Only the synchronous commit path (import, stores without a log) checks keys against the store, so the
    // scan of every key happens on its first use, never at start: restart time does not grow with history.
    private void EnsureKeysLoaded()
    {
        if (_keysLoaded)
            return;
        _keys.Clear();
        using (var reader = Query(_writeConnection, "SELECT project, event_key FROM events WHERE event_key IS NOT NULL"))
        {
            while (reader.Read())
                _keys.Add(EventKeyIndex.Hash(reader.GetInt32(0), reader.GetString(1)));
        }
        _keysLoaded = true;
    }
}
