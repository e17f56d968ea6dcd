using System.Reflection;
using Footfall.Storage;

namespace Footfall.Tests.Support;

/// <summary>
/// The server's real store, with the read that recommendation refreshes make held at a gate the test controls: the
/// read itself runs (so a held refresh carries data from before whatever the test does meanwhile), then waits.
/// Everything else passes straight through.
/// </summary>
public class SlowRefreshStore : DispatchProxy
{
    private IEventStore _inner = null!;

    /// <summary>Set to hold (or, faulted, fail) every refresh read until it completes; null lets reads through.</summary>
    public Task? Gate { get; set; }

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public static (IEventStore Store, SlowRefreshStore Control) Wrap(IEventStore inner)
    {
        var store = Create<IEventStore, SlowRefreshStore>();
        var control = (SlowRefreshStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        object? result;
        try
        {
            result = targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
        return targetMethod.Name == nameof(IEventStore.ReadProductInteractionsAsync) && Gate is { } gate
            ? HoldAsync((Task<ProductInteractionSet>)result!, gate)
            : result;
    }

    private static async Task<ProductInteractionSet> HoldAsync(Task<ProductInteractionSet> read, Task gate)
    {
        var set = await read;
        await gate;
        return set;
    }
}
