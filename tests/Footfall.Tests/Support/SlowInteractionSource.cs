using Footfall.Storage;

namespace Footfall.Tests.Support;

/// <summary>
/// The server's real product interactions, with the read that recommendation refreshes make held at a gate the test
/// controls: the read itself runs (so a held refresh carries data from before whatever the test does meanwhile), then
/// waits. Only this role is replaced; the rest of the store is the server's own.
/// </summary>
public sealed class SlowInteractionSource(IInteractionSource inner) : IInteractionSource
{
    /// <summary>Set to hold (or, faulted, fail) every refresh read until it completes; null lets reads through.</summary>
    public Task? Gate { get; set; }

    /// <inheritdoc />
    public async Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false,
        CancellationToken cancellationToken = default)
    {
        var set = await inner.ReadProductInteractionsAsync(projectId, range, sourcedOnly, cancellationToken);
        if (Gate is { } gate)
            await gate;
        return set;
    }
}
