using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Identity;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>The parts of the definitions the random histories do not reach.</summary>
public sealed class DefinitionsTests
{
    private static readonly DateTime T0 = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_link_that_would_join_two_signed_in_persons_is_refused_and_one_joining_a_guest_is_not()
    {
        var history = ResolvedHistory.Resolve(new ProjectHistory([
            Link(Identifier.Guest("g1"), Identifier.User("alice")),
            Link(Identifier.Guest("g2"), Identifier.User("mallory")),
            Link(Identifier.Guest("g2"), Identifier.Guest("g1")),
            new EventEntry(new TrackedEvent { Action = "a", Time = T0, ReceivedAt = T0, UserId = "mallory", GuestId = "g1" }),
            Link(Identifier.Guest("g3"), Identifier.Guest("g1")),
        ], []));
        Assert.Equal(history.PersonOf(Identifier.User("alice")), history.PersonOf(Identifier.Guest("g1")));
        Assert.Equal(history.PersonOf(Identifier.User("alice")), history.PersonOf(Identifier.Guest("g3")));
        Assert.NotEqual(history.PersonOf(Identifier.User("alice")), history.PersonOf(Identifier.User("mallory")));
        Assert.Equal(history.PersonOf(Identifier.User("mallory")), history.PersonOf(Identifier.Guest("g2")));
    }

    [Fact]
    public void A_purchases_value_is_price_times_quantity_from_numbers_or_numeric_strings()
    {
        Assert.Equal(10.0, FeedCrediting.PurchaseValue("""{"price":2.5,"quantity":4}"""));
        Assert.Equal(3.0, FeedCrediting.PurchaseValue("""{"price":"3"}"""));
        Assert.Null(FeedCrediting.PurchaseValue("""{"quantity":2}"""));
        Assert.Null(FeedCrediting.PurchaseValue(null));
    }

    private static LinkEntry Link(Identifier a, Identifier b) => new(new IdentityLink(a, b));
}
