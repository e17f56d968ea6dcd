using Footfall.Storage;
using Footfall.Storage.Deadlines;
using Microsoft.Extensions.Options;

namespace Footfall.Server.Hosting;

/// <summary>
/// Registers the store the server opens and each of its roles. Every role is the opened store behind its
/// <see cref="StoreDeadline"/> decorator; parts of the server depend on the role they use, and a test replaces one role
/// without touching the others. The whole <see cref="IEventStore"/> is for what opens and closes it.
/// </summary>
public static class StoreRoles
{
    /// <summary>Adds the store <paramref name="open"/> creates (not yet initialized) and its roles.</summary>
    public static IServiceCollection AddStoreRoles(this IServiceCollection services, Func<IServiceProvider, IEventStore> open)
    {
        services.AddSingleton(open);
        services.AddSingleton(sp => new StoreDeadline(sp.GetRequiredService<IOptions<StoreOptions>>().Value, sp.GetRequiredService<StoreHealth>()));
        Add<IEventCommitter>(services, (store, deadline) => new DeadlineEventCommitter(store, deadline));
        Add<IProjectCatalog>(services, (store, deadline) => new DeadlineProjectCatalog(store, deadline));
        Add<IPeopleStore>(services, (store, deadline) => new DeadlinePeopleStore(store, deadline));
        Add<IExperienceQueries>(services, (store, deadline) => new DeadlineExperienceQueries(store, deadline));
        Add<IQuarantine>(services, (store, deadline) => new DeadlineQuarantine(store, deadline));
        Add<IInteractionSource>(services, (store, deadline) => new DeadlineInteractionSource(store, deadline));
        Add<IServedResponseStore>(services, (store, deadline) => new DeadlineServedResponseStore(store, deadline));
        Add<ILiveCounts>(services, (store, deadline) => new DeadlineLiveCounts(store, deadline));
        return services;
    }

    private static void Add<TRole>(IServiceCollection services, Func<IEventStore, StoreDeadline, TRole> decorate) where TRole : class =>
        services.AddSingleton(sp => decorate(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<StoreDeadline>()));
}
