using System.Net;
using Footfall.Client.Tests.Support;

namespace Footfall.Client.Tests.Reading;

/// <summary>The typed read API against a real server process.</summary>
[Collection(ServerCollection.Name)]
public sealed class ReadClientTests(ServerFixture server)
{
    [Fact]
    public async Task Experience_results_count_impressions_and_attributed_purchases_per_variant()
    {
        var experience = "exp-" + Guid.NewGuid().ToString("N")[..8];
        var reader = server.Reader();
        await reader.SaveExperienceAsync(experience, new ExperienceDefinition("Hero banner",
            [new ExperienceVariant("0", 50), new ExperienceVariant("1", 50)], ["product_purchase"]));
        await using var client = new FootfallClient(server.Options());
        var people = Enumerable.Range(0, 4).Select(_ => PersonId.User("u-" + Guid.NewGuid().ToString("N"))).ToList();
        client.Impression(people[0], experience, "0");
        client.Impression(people[1], experience, "0");
        client.Impression(people[2], experience, "1");
        client.Impression(people[3], experience, "1");
        client.Purchase(people[2], "sku-1", 10m);
        await client.FlushAsync();

        var results = await reader.GetExperienceResultsAsync(experience);

        Assert.Equal(experience, results.Experience);
        Assert.Equal(30, results.AttributionDays);
        var byVariant = results.Variants.ToDictionary(v => v.Variant);
        Assert.Equal(2, byVariant["0"].Impressions);
        Assert.Equal(2, byVariant["1"].Impressions);
        Assert.Equal(0, byVariant["0"].Metrics["product_purchase"].ConvertedUsers);
        Assert.Equal(1, byVariant["1"].Metrics["product_purchase"].Conversions);
        Assert.Equal(0.5, byVariant["1"].Metrics["product_purchase"].ConversionRate);
        Assert.False(results.SampleRatioMismatch.Detected);
    }

    [Fact]
    public async Task Export_shows_everything_about_a_person_and_erase_removes_it()
    {
        var who = PersonId.Both("g-" + Guid.NewGuid().ToString("N"), "u-" + Guid.NewGuid().ToString("N"));
        var reader = server.Reader();
        await using var client = new FootfallClient(server.Options());
        client.ProductView(who, "sku-1");
        client.AddToCart(who, "sku-1");
        await client.FlushAsync();

        var export = await reader.ExportPersonAsync(PersonId.User(who.UserId!));
        Assert.NotNull(export);
        Assert.Equal(2, export.Events.Count);
        Assert.Contains(export.Identifiers, i => i.Id == who.GuestId);
        // The server writes the client's own record: what it adds beyond CONTRACT §4 arrives too.
        Assert.All(export.Events, e => Assert.Equal(("native", who.UserId, who.GuestId), (e.Source, e.UserId, e.GuestId)));
        Assert.Equal(2, await reader.ErasePersonAsync(PersonId.Guest(who.GuestId!)));

        Assert.Null(await reader.ExportPersonAsync(PersonId.User(who.UserId!)));
        Assert.Empty(await reader.GetActivityAsync(PersonId.User(who.UserId!)));
    }

    [Fact]
    public async Task Regression_ActivityHasNoWayPastTheNewest1000_PagesAndReadsEverything()
    {
        var who = PersonId.Guest("g-" + Guid.NewGuid().ToString("N"));
        var reader = server.Reader();
        await using (var client = new FootfallClient(server.Options()))
        {
            for (var i = 0; i < 1205; i++)
                client.ProductView(who, $"sku-{i}");
            await client.FlushAsync();
        }

        var first = await reader.GetActivityPageAsync(who, 1000);
        Assert.Equal(1000, first.Events.Count);
        Assert.NotNull(first.Next);
        var second = await reader.GetActivityPageAsync(who, 1000, first.Next);
        Assert.Equal(205, second.Events.Count);
        Assert.Null(second.Next);

        var all = new List<ActivityEvent>();
        await foreach (var e in reader.ReadActivityAsync(who, pageSize: 500))
            all.Add(e);
        Assert.Equal(1205, all.Select(e => e.Target!["product"]).Distinct().Count());
        Assert.Equal(first.Events.Concat(second.Events).Select(e => e.Target!["product"]), all.Select(e => e.Target!["product"]));
    }

    [Fact]
    public async Task A_wrong_secret_key_throws_with_the_status_and_the_servers_message()
    {
        var reader = new FootfallReadClient(new HttpClient(), server.Options(o => o.SecretKey = "wrong"));

        var error = await Assert.ThrowsAsync<FootfallApiException>(() => reader.GetActivityAsync(PersonId.User("u")));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("secret key", error.Error);
    }

    [Fact]
    public void A_read_client_without_a_secret_key_is_refused_at_construction()
    {
        var error = Assert.Throws<ArgumentException>(() => new FootfallReadClient(new HttpClient(), server.Options(o => o.SecretKey = null)));
        Assert.Contains("SecretKey", error.Message);
    }
}
