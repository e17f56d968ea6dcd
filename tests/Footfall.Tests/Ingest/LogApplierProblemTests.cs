using Footfall.Events;
using Footfall.Ingest;
using Footfall.Log;
using Footfall.Storage;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Ingest;

/// <summary>
/// <see cref="LogApplier.Problem"/>, which <c>/healthz</c> reports: a store that answers its probe but refuses every
/// batch is named, not hidden behind "up".
/// </summary>
public sealed class LogApplierProblemTests
{
    private static readonly DateTime Time = new(2026, 12, 4, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Regression_StoreRefusingEveryApplyLookedHealthy_TheErrorIsReportedUntilAnApplySucceeds()
    {
        // Measured at 32M events: DuckDB's 512 MB limit failed each apply with "Out of Memory Error" while /healthz
        // answered ok/up and the log grew by 3 GB.
        var sink = new RefusingSink("Out of Memory Error: could not allocate block of size 256.0 KiB (488.1 MiB/488.2 MiB used)\n\nPossible solutions: ...");
        await using var rig = await Rig.StartAsync(sink);
        var (applier, end) = (rig.Applier, rig.End);

        var problem = await Poll.UntilAsync(() => Task.FromResult(applier.Problem), p => p is not null, TimeSpan.FromSeconds(60),
            _ => "the applier never reported the store's refusal");
        Assert.Contains("Out of Memory Error: could not allocate block", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Possible solutions", problem, StringComparison.Ordinal);
        Assert.True(applier.AppliedPosition < end, "an entry the store refused counts as applied");

        sink.Accept();
        Assert.True(await applier.WaitAppliedAsync(end, TimeSpan.FromSeconds(60)), "the entry was not applied once the store took it");
        Assert.Null(applier.Problem);
    }

    /// <summary>
    /// Bug: <c>footfall import</c>'s last wait gave up at the first failed attempt (exit 1, "the store failed") while its
    /// reading rode out nine; a store that refuses a batch a few times and then takes it is waited for.
    /// </summary>
    [Fact]
    public async Task Regression_ImportsLastWaitGaveUpAtTheFirstRefusal_AFewRefusalsAreWaitedOut()
    {
        var sink = new RefusingSink("Out of Memory Error: could not allocate block", refusals: 6); // 2.1 s of back-off: the wait sees the refusals
        await using var rig = await Rig.StartAsync(sink);
        var (applier, end) = (rig.Applier, rig.End);

        Assert.True(await applier.WaitAllAppliedAsync(end, _ => { }), "the wait gave up while the store refused fewer times than the rule");
        Assert.Equal(7, sink.Attempts);
    }

    [Fact]
    public async Task A_store_that_keeps_refusing_ends_the_waits_for_all_of_the_log_but_not_the_applier()
    {
        var sink = new RefusingSink("Out of Memory Error: could not allocate block");
        await using var rig = await Rig.StartAsync(sink);
        var (applier, end) = (rig.Applier, rig.End);

        Assert.False(await applier.WaitAllAppliedAsync(end, _ => { }));
        Assert.True(applier.IsRefusing);
        Assert.Equal(LogApplier.RefusalsToGiveUp, sink.Attempts);
        // The drain's bound is an hour: it returns because the store refuses, not because the bound passed.
        var drain = applier.DrainAsync(TimeSpan.FromHours(1));
        Assert.Same(drain, await Task.WhenAny(drain, Task.Delay(TimeSpan.FromMinutes(2))));
        Assert.False(await drain);
        Assert.True(applier.AppliedPosition < end);
    }

    /// <summary>A log holding one entry and an applier over <paramref name="sink"/>, started.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TempFolder _folder = new();
        private SegmentLog _log = null!;

        public LogApplier Applier { get; private set; } = null!;

        /// <summary>The position after the entry.</summary>
        public long End { get; private set; }

        public static async Task<Rig> StartAsync(ILogSink sink)
        {
            var rig = new Rig();
            rig._log = SegmentLog.Open(new SegmentLogOptions { Folder = rig._folder.Path });
            rig.Applier = new LogApplier(rig._log, sink, () => 0, new LogIngestOptions(), NullLogger<LogApplier>.Instance);
            rig.Applier.Start();
            rig.End = await rig._log.AppendAsync(new LogEntry("p1", EventSources.Native,
                [new TrackedEvent { Action = BuiltInActions.ProductView, Time = Time, ReceivedAt = Time, GuestId = "g1" }], [], []));
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            Applier.Dispose();
            await _log.DisposeAsync();
            _folder.Dispose();
        }
    }

    private sealed class RefusingSink(string error, int refusals = int.MaxValue) : ILogSink
    {
        private volatile bool _accepting;
        private long _applied = -1;
        private int _attempts;

        public TimeSpan ApplyInterval => TimeSpan.Zero;

        public int Attempts => Volatile.Read(ref _attempts);

        public void Accept() => _accepting = true;

        public Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default) => Task.FromResult(_applied);

        public Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds,
            CancellationToken cancellationToken = default)
        {
            if (!_accepting && Interlocked.Increment(ref _attempts) <= refusals)
                throw new InvalidOperationException(error);
            _applied = entryEnds[^1];
            return Task.FromResult<IReadOnlyList<WriteOutcome>>(writes.Select(w => new WriteOutcome(w.Events.Count, 0, 0)).ToList());
        }

        public IEnumerable<(string ProjectId, string Key)> StoredKeys() => [];
    }
}
