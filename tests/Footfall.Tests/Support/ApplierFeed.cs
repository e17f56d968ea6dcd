using Footfall.Storage;

namespace Footfall.Tests.Support;

/// <summary>
/// Feeds writes to a store the way the log's applier does: consecutive log positions, and each idempotency key once
/// (the log's key index drops a repeated key before the applier sees it).
/// </summary>
public sealed class ApplierFeed
{
    private readonly HashSet<(string Project, string Key)> _keys = [];
    private long _position;

    /// <summary>Applies the writes as consecutive log entries.</summary>
    public Task<IReadOnlyList<WriteOutcome>> ApplyAsync(ILogSink sink, IReadOnlyList<ProjectWrite> writes) =>
        sink.ApplyAsync(writes.Select(w => w with { Events = w.Events.Where(e => e.Key is null || _keys.Add((w.ProjectId, e.Key))).ToList() }).ToList(),
            writes.Select(_ => ++_position).ToList());
}
