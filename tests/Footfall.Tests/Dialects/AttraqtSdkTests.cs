namespace Footfall.Tests.Dialects;

/// <summary>The real <c>@attraqt/activity</c> SDK against a real server process.</summary>
[Collection(VendorSdkCollection.Name)]
public sealed class AttraqtSdkTests(VendorSdkServer fixture)
{
    [Fact]
    public async Task Activities_sent_by_the_real_SDK_become_commerce_events_of_one_person()
    {
        var projectId = fixture.Server.DefaultProject().Id;
        const string customer = "attraqt-customer-1";
        var run = await VendorSdks.RunAsync("attraqt.js", fixture.Server.Url, projectId, customer);
        foreach (var answer in run.GetProperty("answers").EnumerateArray())
            Assert.Equal(0, answer.GetProperty("rejected").GetArrayLength());
        // The SDK added its own lowercase sessionid identity: that guest is the same person as the customer.
        var sessionId = run.GetProperty("requests")[0][0].GetProperty("user").GetProperty("identities").GetProperty("sessionid").GetString()!;

        var events = (await fixture.GetAsync($"/v1/people/activity?guestId={Uri.EscapeDataString(sessionId)}&limit=100"))
            .GetProperty("events").EnumerateArray().Reverse().ToList();
        Assert.Equal(
            new[] { "product_view", "category_view", "click", "product_add_to_cart", "product_remove_from_cart", "product_purchase", "newsletter-signup" },
            events.Select(e => e.GetProperty("action").GetString()!).ToArray());
        Assert.All(events, e => Assert.Equal("crownpeak", e.GetProperty("source").GetString()));
        Assert.Equal("sku-1", events[0].GetProperty("target").GetProperty("product").GetString());
        Assert.Equal(19.99, events[0].GetProperty("params").GetProperty("price").GetDouble());
        Assert.Equal("EUR", events[0].GetProperty("params").GetProperty("currency").GetString());
        Assert.Equal("resp-42", events[2].GetProperty("sourceId").GetString());
        Assert.True(events[4].GetProperty("params").GetProperty("opposite").GetBoolean());
        Assert.Equal("o-1", events[5].GetProperty("params").GetProperty("orderId").GetString());
        Assert.Equal("de", events[5].GetProperty("params").GetProperty("market").GetString());

        var person = (await fixture.GetAsync($"/v1/people?userId={customer}")).GetProperty("person");
        var ids = person.GetProperty("identifiers").EnumerateArray()
            .Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("id").GetString())).ToHashSet();
        Assert.Contains(("user", customer), ids);
        Assert.Contains(("guest", sessionId), ids);
    }
}
