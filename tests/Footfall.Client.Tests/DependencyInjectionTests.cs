using Footfall.Client.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Footfall.Client.Tests;

/// <summary><c>services.AddFootfall(...)</c> as an application would use it.</summary>
[Collection(ServerCollection.Name)]
public sealed class DependencyInjectionTests(ServerFixture server)
{
    [Fact]
    public async Task AddFootfall_resolves_one_tracking_client_and_a_read_client_that_work_end_to_end()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFootfall(o =>
        {
            o.Host = server.Server.Url;
            o.ProjectId = server.ProjectId;
            o.SecretKey = server.SecretKey;
        });
        var who = PersonId.User("u-" + Guid.NewGuid().ToString("N"));
        FootfallClient client;
        await using (var provider = services.BuildServiceProvider(validateScopes: true))
        {
            client = provider.GetRequiredService<FootfallClient>();
            Assert.Same(client, provider.GetRequiredService<FootfallClient>());
            client.CategoryView(who, "shoes");
            await client.FlushAsync();

            var reader = provider.GetRequiredService<FootfallReadClient>();
            Assert.Equal("category_view", Assert.Single(await reader.GetActivityAsync(who)).Action);
            client.CategoryView(who, "boots");
        }

        // Disposing the container disposed the client, which sent what was still queued.
        Assert.Equal((2, 0, 0), (client.DeliveredEvents, client.DroppedEvents, client.FailedEvents));
        Assert.Equal(2, (await server.Reader().GetActivityAsync(who)).Count);
    }

    [Fact]
    public void Invalid_options_fail_on_resolve_naming_each_problem()
    {
        var services = new ServiceCollection();
        services.AddFootfall(o =>
        {
            o.Host = "not a url";
            o.BatchSize = 5000;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<FootfallClient>());

        Assert.Contains(error.Failures, f => f.Contains("Host"));
        Assert.Contains(error.Failures, f => f.Contains("ProjectId"));
        Assert.Contains(error.Failures, f => f.Contains("BatchSize"));
    }
}
