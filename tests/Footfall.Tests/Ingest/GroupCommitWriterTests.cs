using Footfall.Events;
using Footfall.Ingest;
using Footfall.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Ingest;

public sealed class GroupCommitWriterTests
{
    private static ProjectWrite Write(int events) => new("p",
        Enumerable.Range(0, events).Select(i => new TrackedEvent { Action = "x", UserId = "u", Time = DateTime.UnixEpoch, ReceivedAt = DateTime.UnixEpoch }).ToList(),
        [], []);

    [Fact]
    public async Task Requests_queued_during_a_commit_share_the_next_commit()
    {
        var store = new GatedCommitter();
        await using var writer = new GroupCommitWriter(store, new IngestOptions(), new StoreOptions(), NullLogger<GroupCommitWriter>.Instance);
        Assert.True(writer.TryEnqueue(Write(1), out var first));
        await store.Started.Task; // the first commit is in progress and held
        var later = Enumerable.Range(0, 3).Select(_ => writer.TryEnqueue(Write(2), out var t) ? t : throw new InvalidOperationException()).ToList();
        store.Release();
        await first;
        var outcomes = await Task.WhenAll(later);
        Assert.All(outcomes, o => Assert.Equal(2, o.Accepted));
        Assert.Equal([1, 3], store.CommitSizes);
    }

    [Fact]
    public async Task A_full_queue_refuses_instead_of_growing()
    {
        var store = new GatedCommitter();
        await using var writer = new GroupCommitWriter(store, new IngestOptions { MaxQueuedEvents = 1000 }, new StoreOptions(), NullLogger<GroupCommitWriter>.Instance);
        Assert.True(writer.TryEnqueue(Write(1000), out var first));
        await store.Started.Task;
        Assert.False(writer.TryEnqueue(Write(1), out _));
        Assert.Equal(1000, writer.QueuedEvents);
        store.Release();
        Assert.Equal(1000, (await first).Accepted);
        Assert.True(writer.TryEnqueue(Write(1), out var after));
        Assert.Equal(1, (await after).Accepted);
    }

    [Fact]
    public async Task A_request_past_its_deadline_answers_unavailable_and_is_not_committed_later()
    {
        var store = new GatedCommitter();
        await using var writer = new GroupCommitWriter(store, new IngestOptions(), new StoreOptions { Timeout = TimeSpan.FromMilliseconds(200) },
            NullLogger<GroupCommitWriter>.Instance);
        Assert.True(writer.TryEnqueue(Write(1), out var held));
        await store.Started.Task; // the first commit hangs, as on a paused store
        Assert.True(writer.TryEnqueue(Write(2), out var waiting));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => waiting);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => held);
        store.Release();
        Assert.True(writer.TryEnqueue(Write(3), out var next));
        Assert.Equal(3, (await next).Accepted);
        // The abandoned request never reached the store; the held one was already in a commit.
        Assert.Equal([1, 1], store.CommitSizes);
        Assert.Equal(0, writer.QueuedEvents);
    }

    /// <summary>
    /// The commit role alone (the writer uses nothing else): the first commit waits until released; it records each
    /// commit's request count.
    /// </summary>
    private sealed class GatedCommitter : IEventCommitter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> CommitSizes { get; } = [];

        public void Release() => _release.TrySetResult();

        public async Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default)
        {
            lock (CommitSizes) CommitSizes.Add(writes.Count);
            Started.TrySetResult();
            await _release.Task;
            return writes.Select(w => new WriteOutcome(w.Events.Count, 0)).ToList();
        }
    }
}
