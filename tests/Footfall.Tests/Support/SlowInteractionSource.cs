using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Tests.Support;

/// <summary>
/// The server's real product interactions, with the read that recommendation refreshes make (and an erasure's co-visit
/// recount) held at a gate the test controls: the read itself runs (so a held refresh carries data from before whatever
/// the test does meanwhile), then waits. Every other read goes straight through. Only this role is replaced; the rest of the store is the server's own.
/// </summary>
public sealed class SlowInteractionSource(IInteractionSource inner) : IInteractionSource
{
    /// <summary>Set to hold (or, faulted, fail) every refresh read until it completes; null lets reads through.</summary>
    public Task? Gate { get; set; }

    /// <summary>Set to hold (or, faulted, fail) every co-visit recount (an erasure's model update) after its read.</summary>
    public Task? CoVisitsGate { get; set; }

    /// <summary>Completes when the next co-visit read has run and reaches <see cref="CoVisitsGate"/>.</summary>
    public Task CoVisitsRead => _coVisitsRead.Task;

    private TaskCompletionSource _coVisitsRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many co-visit reads ran.</summary>
    public int CoVisitsReads => _coVisitsReads;

    private int _coVisitsReads;

    /// <summary>How many times trending's recent touches were read from the store.</summary>
    public int TrendingReads => _trendingReads;

    private int _trendingReads;

    /// <summary>How many times a model's window was read (a refresh or a first build).</summary>
    public int WindowReads => _windowReads;

    private int _windowReads;

    /// <inheritdoc />
    public Task<ItemWindow> ReadItemWindowAsync(string projectId, DateTime from, ItemWindowShape shape, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _windowReads);
        return HeldAsync(inner.ReadItemWindowAsync(projectId, from, shape, cancellationToken), Gate, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false,
        CancellationToken cancellationToken = default) =>
        inner.ReadProductInteractionsAsync(projectId, range, sourcedOnly, cancellationToken);

    /// <inheritdoc />
    public async Task<CoVisitCounts> ReadCoVisitsAsync(string projectId, DateTime from, int maxItemsPerVisit, IReadOnlyCollection<string> items,
        CoVisitCut? cut = null, CancellationToken cancellationToken = default)
    {
        var gate = CoVisitsGate;
        var counts = await inner.ReadCoVisitsAsync(projectId, from, maxItemsPerVisit, items, cut, cancellationToken);
        Interlocked.Increment(ref _coVisitsReads);
        Interlocked.Exchange(ref _coVisitsRead, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
        if (gate is not null)
            await gate.WaitAsync(cancellationToken);
        return counts;
    }

    // The read runs to its end, then waits at the gate (or fails with it) until the caller cancels.
    private static async Task<T> HeldAsync<T>(Task<T> read, Task? gate, CancellationToken cancellationToken)
    {
        var result = await read;
        if (gate is not null)
            await gate.WaitAsync(cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProductPurchase>> ReadPurchasesAsync(string projectId, DateTime from, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default) =>
        inner.ReadPurchasesAsync(projectId, from, items, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentTouch>> ReadRecentTouchesAsync(string projectId, DateTime from, DateTime now, int hours, IReadOnlyCollection<string>? items,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _trendingReads);
        return inner.ReadRecentTouchesAsync(projectId, from, now, hours, items, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PersonTouch>> ReadPersonTouchesAsync(string projectId, Identifier who, DateTime from, CancellationToken cancellationToken = default) =>
        inner.ReadPersonTouchesAsync(projectId, who, from, cancellationToken);
}
