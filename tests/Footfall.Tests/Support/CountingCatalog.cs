using System.Collections.Concurrent;
using System.Reflection;
using Footfall.Storage;

namespace Footfall.Tests.Support;

/// <summary>
/// A real store's project catalogue seen through a proxy that counts the calls made to it by method name, for tests
/// about how often a component goes to the store. Every call reaches the real store.
/// </summary>
public class CountingCatalog : DispatchProxy
{
    private IProjectCatalog _inner = null!;

    /// <summary>Calls so far, by method name.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>The proxy (an <see cref="IProjectCatalog"/>) and its counter.</summary>
    public static (IProjectCatalog Catalog, CountingCatalog Counter) Wrap(IProjectCatalog inner)
    {
        var proxy = Create<IProjectCatalog, CountingCatalog>();
        var counter = (CountingCatalog)(object)proxy;
        counter._inner = inner;
        return (proxy, counter);
    }

    /// <summary>How many times <paramref name="method"/> was called.</summary>
    public int Count(string method) => Calls.GetValueOrDefault(method);

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        Calls.AddOrUpdate(targetMethod!.Name, 1, (_, n) => n + 1);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}
