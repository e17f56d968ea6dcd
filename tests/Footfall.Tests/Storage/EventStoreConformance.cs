using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;

namespace Footfall.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IEventStore"/> must have (CONTRACT §3-§5), run against each implementation by a
/// subclass that supplies a fresh, empty store. A store that passes is interchangeable with the others.
/// </summary>
public abstract partial class EventStoreConformance : IAsyncLifetime
{
    /// <summary>A fixed instant far from any day or month boundary.</summary>
    protected static readonly DateTime T0 = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    private IEventStore? _store;
    private string _project = "";

    /// <summary>A new, empty store (not yet initialized).</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>The store under test.</summary>
    protected IEventStore Store => _store!;

    /// <summary>The project every test writes to.</summary>
    protected string ProjectId => _project;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync();
        _project = ProjectKeys.NewProjectId();
        await _store.CreateProjectAsync(new Project(_project, "shop", "hash-1", T0));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is not null)
            await _store.DisposeAsync();
    }

    // ---- builders ----

    protected static TrackedEvent Ev(string action, DateTime time, string? user = null, string? guest = null, string? key = null,
        string? experience = null, string? variant = null, string? product = null, string? label = null) => new()
    {
        Action = action,
        Time = time,
        ReceivedAt = time,
        UserId = user,
        GuestId = guest,
        Key = key,
        Experience = experience,
        Variant = variant,
        Target = product is null ? null : new Dictionary<string, string> { ["product"] = product },
        Label = label,
        ParamsJson = product is null ? null : """{"price":10}""",
        SessionId = "s1",
        SourceId = product is null ? null : "resp-1",
    };

    protected static TrackedEvent Imp(DateTime time, string variant, string? user = null, string? guest = null) =>
        Ev(BuiltInActions.Impression, time, user, guest, experience: "exp1", variant: variant);

    protected static TrackedEvent Buy(DateTime time, string? user = null, string? guest = null, string? key = null) =>
        Ev(BuiltInActions.Purchase, time, user, guest, key, product: "sku-1");

    protected static ExperienceDefinition Experience(int days = 30) => new()
    {
        ShortUid = "exp1",
        Name = "Hero banner",
        Variants = [new VariantDefinition("0", 50), new VariantDefinition("1", 50)],
        Metrics = [BuiltInActions.Purchase],
        AttributionDays = days,
        CreatedAt = T0,
    };

    protected Task<WriteOutcome> CommitAsync(params TrackedEvent[] events) => CommitAsync(events, []);

    protected async Task<WriteOutcome> CommitAsync(TrackedEvent[] events, IdentityLink[] links, RejectedEvent[]? rejected = null) =>
        (await Store.CommitAsync([new ProjectWrite(ProjectId, events, links, rejected ?? [])]))[0];

    protected async Task<IReadOnlyList<TrackedEvent>> ActivityAsync(string projectId, Identifier who, int limit) =>
        (await Store.GetActivityAsync(projectId, who, limit)).Events;

    protected Task LinkAsync(Identifier a, Identifier b) => CommitAsync([], [new IdentityLink(a, b)]);

    protected async Task<Dictionary<string, VariantCounts>> ResultsAsync(int days = 30, TimeRange range = default) =>
        (await Store.CountExperienceAsync(ProjectId, Experience(days), range)).ToDictionary(v => v.Variant);

    private static MetricCounts Purchases(Dictionary<string, VariantCounts> results, string variant) =>
        results.TryGetValue(variant, out var v) ? v.Metrics.GetValueOrDefault(BuiltInActions.Purchase) : default;

    // ---- projects and configuration ----

    [Fact]
    public async Task Projects_are_found_by_id_and_listed_in_creation_order()
    {
        var second = new Project(ProjectKeys.NewProjectId(), "blog", "hash-2", T0.AddMinutes(1));
        await Store.CreateProjectAsync(second);
        Assert.Equal(second, await Store.FindProjectAsync(second.Id));
        Assert.Null(await Store.FindProjectAsync("nope"));
        Assert.Equal([ProjectId, second.Id], (await Store.ListProjectsAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task Experiences_and_settings_are_replaced_by_the_latest_save()
    {
        await Store.SaveExperienceAsync(ProjectId, Experience(30));
        await Store.SaveExperienceAsync(ProjectId, Experience(7) with { Name = "renamed" });
        var experience = Assert.Single(await Store.ListExperiencesAsync(ProjectId));
        Assert.Equal(("renamed", 7), (experience.Name, experience.AttributionDays));
        Assert.Null(await Store.GetSettingAsync(ProjectId, "actions"));
        await Store.SaveSettingAsync(ProjectId, "actions", """{"allow":["a"]}""");
        await Store.SaveSettingAsync(ProjectId, "actions", """{"allow":["b"]}""");
        Assert.Equal("""{"allow":["b"]}""", await Store.GetSettingAsync(ProjectId, "actions"));
    }

    // ---- idempotency ----

    [Fact]
    public async Task A_key_is_stored_once_within_a_batch_and_across_commits()
    {
        Assert.Equal(new WriteOutcome(2, 1), await CommitAsync(Buy(T0, "u1", key: "k1"), Buy(T0, "u1", key: "k1"), Buy(T0, "u1")));
        Assert.Equal(new WriteOutcome(1, 1), await CommitAsync(Buy(T0.AddMinutes(1), "u1", key: "k1"), Buy(T0, "u1", key: "k2")));
        Assert.Equal(3, (await Store.FindPersonAsync(ProjectId, Identifier.User("u1")))!.EventCount);
        Assert.Equal(3, (await ActivityAsync(ProjectId, Identifier.User("u1"), 50)).Count);
    }

    [Fact]
    public async Task A_key_is_checked_across_writes_of_one_commit_and_is_per_project()
    {
        var other = ProjectKeys.NewProjectId();
        await Store.CreateProjectAsync(new Project(other, "other", "hash-3", T0));
        var outcomes = await Store.CommitAsync([
            new ProjectWrite(ProjectId, [Buy(T0, "u1", key: "k1")], [], []),
            new ProjectWrite(ProjectId, [Buy(T0, "u1", key: "k1")], [], []),
            new ProjectWrite(other, [Buy(T0, "u1", key: "k1")], [], []),
        ]);
        Assert.Equal([new WriteOutcome(1, 0), new WriteOutcome(0, 1), new WriteOutcome(1, 0)], outcomes);
    }

    // ---- people and links ----

    [Fact]
    public async Task A_guests_impression_counts_for_the_user_they_became()
    {
        await CommitAsync(Imp(T0, "1", guest: "g1"));
        // The purchase carries both ids: that links g1 to u1.
        await CommitAsync(Buy(T0.AddHours(1), user: "u1", guest: "g1"));
        var results = await ResultsAsync();
        Assert.Equal(1, results["1"].Impressions);
        Assert.Equal(new MetricCounts(1, 1), Purchases(results, "1"));
    }

    [Fact]
    public async Task A_guest_who_merges_after_converting_is_counted_retroactively()
    {
        await CommitAsync(Imp(T0, "0", user: "u1"), Buy(T0.AddHours(1), guest: "g1"));
        Assert.Equal(default, Purchases(await ResultsAsync(), "0"));
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        Assert.Equal(new MetricCounts(1, 1), Purchases(await ResultsAsync(), "0"));
        var person = await Store.FindPersonAsync(ProjectId, Identifier.Guest("g1"));
        Assert.Equal(["g:g1", "u:u1"], person!.Identifiers.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, person.EventCount);
    }

    [Fact]
    public async Task Links_chain_across_commits_into_one_person()
    {
        await CommitAsync(Imp(T0, "1", guest: "g1"), Imp(T0, "1", guest: "g2"), Imp(T0, "1", guest: "g3"));
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        await LinkAsync(Identifier.Guest("g3"), Identifier.User("u2"));
        Assert.Equal(3, (await ResultsAsync())["1"].Impressions);
        await LinkAsync(Identifier.User("u2"), Identifier.Guest("g2"));
        // Two identified persons become one only through an operator's merge (the link rule refuses a plain link).
        await CommitAsync([], [IdentityLink.Merge(Identifier.User("u2"), Identifier.User("u1"))]);
        Assert.Equal(1, (await ResultsAsync())["1"].Impressions);
        Assert.Equal(3, (await ActivityAsync(ProjectId, Identifier.Guest("g3"), 50)).Count);
    }

    [Fact]
    public async Task Impressions_are_unique_per_person_and_counted_per_variant()
    {
        await CommitAsync(Imp(T0, "0", "u1"), Imp(T0.AddMinutes(1), "0", "u1"), Imp(T0, "0", "u2"), Imp(T0, "1", "u3"));
        var results = await ResultsAsync();
        Assert.Equal((2, 1), (results["0"].Impressions, results["1"].Impressions));
        Assert.Equal(T0, results["0"].FirstImpression);
        Assert.Equal(T0, results["1"].FirstImpression);
        var later = (await Store.CountExperienceAsync(ProjectId, Experience(30), new TimeRange(T0.AddSeconds(30), null))).ToDictionary(v => v.Variant);
        Assert.Equal(T0.AddMinutes(1), later["0"].FirstImpression);
    }

    [Fact]
    public async Task Erasing_the_person_with_a_variants_first_impression_moves_it_to_the_next_one()
    {
        await CommitAsync(Imp(T0, "0", "u1"), Imp(T0.AddMinutes(1), "0", "u2"), Imp(T0.AddMinutes(2), "0", "u3"), Imp(T0, "1", "u4"));
        await Store.ErasePersonAsync(ProjectId, Identifier.User("u2"));
        var results = await ResultsAsync();
        Assert.Equal((2L, T0), (results["0"].Impressions, results["0"].FirstImpression));
        await Store.ErasePersonAsync(ProjectId, Identifier.User("u1"));
        results = await ResultsAsync();
        Assert.Equal((1L, T0.AddMinutes(2)), (results["0"].Impressions, results["0"].FirstImpression));
        Assert.Equal((1L, T0), (results["1"].Impressions, results["1"].FirstImpression));
    }

    // ---- attribution ----

    [Fact]
    public async Task A_conversion_before_any_impression_is_not_attributed()
    {
        await CommitAsync(Buy(T0.AddMilliseconds(-1), "u1"), Imp(T0, "0", "u1"));
        var results = await ResultsAsync();
        Assert.Equal(1, results["0"].Impressions);
        Assert.Equal(default, Purchases(results, "0"));
    }

    [Fact]
    public async Task A_conversion_exactly_at_the_windows_edge_counts_and_one_past_it_does_not()
    {
        await CommitAsync(
            Imp(T0, "0", "edge"), Buy(T0.AddDays(1), "edge"),
            Imp(T0, "0", "late"), Buy(T0.AddDays(1).AddMilliseconds(1), "late"),
            Imp(T0, "0", "day-late"), Buy(T0.AddDays(2), "day-late"),
            Imp(T0, "0", "same-instant"), Buy(T0, "same-instant"));
        var results = await ResultsAsync(days: 1);
        Assert.Equal(4, results["0"].Impressions);
        Assert.Equal(new MetricCounts(2, 2), Purchases(results, "0"));
    }

    [Fact]
    public async Task Conversions_count_events_and_converted_users_count_persons_in_each_variant_seen()
    {
        await CommitAsync(Imp(T0, "0", "u1"), Imp(T0.AddHours(1), "1", "u1"), Buy(T0.AddHours(2), "u1"), Buy(T0.AddHours(3), "u1"),
            Imp(T0, "1", "u2"), Buy(T0.AddHours(2), "u2"), Ev("product_view", T0.AddHours(2), "u2", product: "sku-1"));
        var results = await ResultsAsync();
        Assert.Equal(new MetricCounts(2, 1), Purchases(results, "0"));
        Assert.Equal(new MetricCounts(3, 2), Purchases(results, "1"));
    }

    [Fact]
    public async Task A_time_range_limits_impressions_and_conversions_but_not_the_impressions_they_follow()
    {
        await CommitAsync(Imp(T0, "0", "u1"), Buy(T0.AddDays(2), "u1"), Imp(T0.AddDays(3), "0", "u2"), Buy(T0.AddDays(5), "u2"));
        var results = await ResultsAsync(range: new TimeRange(T0.AddDays(1), T0.AddDays(5)));
        Assert.Equal(1, results["0"].Impressions);
        Assert.Equal(new MetricCounts(1, 1), Purchases(results, "0"));
        var all = await ResultsAsync();
        Assert.Equal((2L, new MetricCounts(2, 2)), (all["0"].Impressions, Purchases(all, "0")));
    }

    [Fact]
    public async Task The_timeline_counts_first_exposure_and_first_conversion_per_day()
    {
        await CommitAsync(Imp(T0, "0", "u1"), Imp(T0.AddDays(1), "0", "u1"), Buy(T0.AddDays(1), "u1"), Buy(T0.AddDays(2), "u1"),
            Imp(T0.AddDays(1), "1", "u2"));
        var days = await Store.ExperienceTimelineAsync(ProjectId, Experience(), BuiltInActions.Purchase, TimeRange.All);
        var day = DateOnly.FromDateTime(T0);
        Assert.Equal([
            new DailyVariantCounts(day, "0", 1, 0),
            new DailyVariantCounts(day.AddDays(1), "0", 0, 1),
            new DailyVariantCounts(day.AddDays(1), "1", 1, 0),
        ], days);
    }

    // ---- activity, attributes, erase ----

    [Fact]
    public async Task Activity_is_newest_first_limited_and_includes_linked_identifiers()
    {
        await CommitAsync(Ev("a", T0, guest: "g1", label: "first"), Ev("b", T0.AddMinutes(2), user: "u1"),
            Ev("c", T0.AddMinutes(1), guest: "g1", label: "tie-1"), Ev("d", T0.AddMinutes(1), guest: "g1", label: "tie-2"));
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        var all = await ActivityAsync(ProjectId, Identifier.User("u1"), 50);
        // Equal times come back latest-stored first.
        Assert.Equal(["b", "d", "c", "a"], all.Select(e => e.Action));
        var first = all[^1];
        Assert.Equal(("first", T0, "g1", (string?)null, "native"), (first.Label, first.Time, first.GuestId, first.UserId, first.Source));
        Assert.Equal(["b", "d"], (await ActivityAsync(ProjectId, Identifier.Guest("g1"), 2)).Select(e => e.Action));
        Assert.Empty(await ActivityAsync(ProjectId, Identifier.User("nobody"), 50));
        Assert.Null(await Store.FindPersonAsync(ProjectId, Identifier.User("nobody")));
    }

    [Fact]
    public async Task Regression_ActivityHasNoWayPastTheNewest1000_PagesByCursor()
    {
        // 2,500 events, many sharing one millisecond, so pages must split runs of equal times without losing or repeating one.
        var events = Enumerable.Range(0, 2500).Select(i => Ev("a", T0.AddMilliseconds(i / 7), guest: "g1", label: $"e{i}")).ToArray();
        await CommitAsync(events[..1200]);
        await CommitAsync(events[1200..]);
        var seen = new List<string>();
        ActivityCursor? next = null;
        var pages = 0;
        do
        {
            var page = await Store.GetActivityAsync(ProjectId, Identifier.Guest("g1"), 1000, next);
            seen.AddRange(page.Events.Select(e => e.Label!));
            next = page.Next;
            pages++;
        }
        while (next is not null);
        Assert.Equal(3, pages);
        // Newest first; among equal times, latest stored first: exactly the reverse of the order they were stored in.
        Assert.Equal(events.Select(e => e.Label!).Reverse(), seen);

        // A last page that is exactly full says there is nothing after it.
        Assert.Null((await Store.GetActivityAsync(ProjectId, Identifier.Guest("g1"), 2500)).Next);
        Assert.NotNull((await Store.GetActivityAsync(ProjectId, Identifier.Guest("g1"), 2499)).Next);
    }

    [Fact]
    public async Task Activity_pages_are_stable_while_events_arrive()
    {
        await CommitAsync(Enumerable.Range(0, 10).Select(i => Ev("a", T0.AddMinutes(i), guest: "g1", label: $"old{i}")).ToArray());
        var first = await Store.GetActivityAsync(ProjectId, Identifier.Guest("g1"), 4);
        Assert.Equal(["old9", "old8", "old7", "old6"], first.Events.Select(e => e.Label));
        // Between pages: newer events, events at the cursor's own time, and older ones (a late upload) arrive.
        await CommitAsync(Ev("a", T0.AddMinutes(20), guest: "g1", label: "newer"), Ev("a", T0.AddMinutes(6), guest: "g1", label: "same-time"),
            Ev("a", T0.AddMinutes(-1), guest: "g1", label: "late"));
        var rest = new List<string>();
        for (var next = first.Next; next is not null;)
        {
            var page = await Store.GetActivityAsync(ProjectId, Identifier.Guest("g1"), 4, next);
            rest.AddRange(page.Events.Select(e => e.Label!));
            next = page.Next;
        }
        // Nothing shown repeats, nothing older is skipped; what arrived after the cursor's position is not shown again.
        Assert.Equal(["old5", "old4", "old3", "old2", "old1", "old0", "late"], rest);
    }

    [Fact]
    public async Task Event_fields_round_trip_exactly_to_the_millisecond()
    {
        var e = Ev("product_view", T0.AddMilliseconds(123), user: "u\t1", guest: "g'1", key: "k\\1", product: "sku \"1\"", label: "line\nbreak")
            with { ParamsJson = """{"a":"é\\n"}""", Source = EventSources.Crownpeak };
        await CommitAsync(e);
        var back = Assert.Single(await ActivityAsync(ProjectId, Identifier.User("u\t1"), 10));
        Assert.Equal(e with { Target = null }, back with { Target = null });
        Assert.Equal(e.Target, back.Target);
        var person = await Store.FindPersonAsync(ProjectId, Identifier.Guest("g'1"));
        Assert.Equal((1L, e.Time, e.Time), (person!.EventCount, person.FirstSeen, person.LastSeen));
    }

    [Fact]
    public async Task Attributes_latest_value_wins_across_linked_identifiers()
    {
        await Store.SetAttributesAsync(ProjectId, Identifier.Guest("g1"), new Dictionary<string, string> { ["plan"] = "\"free\"", ["city"] = "\"Oslo\"" });
        await Store.SetAttributesAsync(ProjectId, Identifier.User("u1"), new Dictionary<string, string> { ["plan"] = "\"pro\"" });
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        await Store.SetAttributesAsync(ProjectId, Identifier.Guest("g1"), new Dictionary<string, string> { ["city"] = "\"Bergen\"" });
        var person = await Store.FindPersonAsync(ProjectId, Identifier.User("u1"));
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "\"pro\"", ["city"] = "\"Bergen\"" }, person!.AttributesJson);
        Assert.Equal(0, person.EventCount);
        Assert.Null(person.FirstSeen);
    }

    // The DuckDB store reads a person's events by their seqs up to 1,000 of them, by identifier past that; an activity
    // page by its seqs.
    [Theory]
    [InlineData(990)]
    [InlineData(2_100)]
    public async Task A_person_of_thousands_of_events_is_looked_up_and_paged_whole(int count)
    {
        var events = Enumerable.Range(0, count)
            .Select(i => Ev(BuiltInActions.PageView, T0.AddSeconds(i), user: i % 2 == 0 ? "u1" : null, guest: i % 2 == 0 ? null : "g1", key: $"k{i}"))
            .ToArray();
        await CommitAsync(events, [new IdentityLink(Identifier.Guest("g1"), Identifier.User("u1"))]);
        await CommitAsync(Ev(BuiltInActions.PageView, T0, user: "u2"));

        var person = await Store.FindPersonAsync(ProjectId, Identifier.Guest("g1"));
        Assert.Equal(count, person!.EventCount);
        Assert.Equal(T0, person.FirstSeen);
        Assert.Equal(T0.AddSeconds(count - 1), person.LastSeen);
        var keys = new List<string?>();
        ActivityCursor? next = null;
        do
        {
            var page = await Store.GetActivityAsync(ProjectId, Identifier.User("u1"), 100, next);
            keys.AddRange(page.Events.Select(e => e.Key));
            next = page.Next;
        }
        while (next is not null);
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"k{i}"), keys);
    }

    [Fact]
    public async Task Erase_removes_every_event_identifier_attribute_and_result_of_the_person()
    {
        await CommitAsync([Imp(T0, "0", guest: "g1"), Buy(T0.AddHours(1), user: "u1", key: "order-1"), Imp(T0, "0", "u2")],
            [new IdentityLink(Identifier.Guest("g1"), Identifier.User("u1"))],
            [new RejectedEvent(T0, "native", "bad", """{"userId":"u1"}""") { Identifiers = [Identifier.User("u1")] },
             new RejectedEvent(T0, "native", "bad", """{"userId":"u2"}""") { Identifiers = [Identifier.User("u2")] }]);
        await Store.SetAttributesAsync(ProjectId, Identifier.User("u1"), new Dictionary<string, string> { ["plan"] = "\"pro\"" });
        Assert.Equal(2, await Store.ErasePersonAsync(ProjectId, Identifier.Guest("g1")));

        Assert.Null(await Store.FindPersonAsync(ProjectId, Identifier.User("u1")));
        Assert.Null(await Store.FindPersonAsync(ProjectId, Identifier.Guest("g1")));
        Assert.Empty(await ActivityAsync(ProjectId, Identifier.User("u1"), 50));
        var results = await ResultsAsync();
        Assert.Equal(1, results["0"].Impressions);
        Assert.Equal(default, Purchases(results, "0"));
        Assert.Equal(["""{"userId":"u2"}"""], (await Store.GetRejectedAsync(ProjectId, 10)).Select(r => r.Raw));
        Assert.DoesNotContain(await Store.CountByMinuteAsync(ProjectId, T0.AddDays(-1)), c => c.Action == BuiltInActions.Purchase);
        Assert.Equal(1, (await Store.FindPersonAsync(ProjectId, Identifier.User("u2")))!.EventCount);
        Assert.Equal(0, await Store.ErasePersonAsync(ProjectId, Identifier.User("u1")));
        // An erased key is gone with its event: the same key may be stored again.
        Assert.Equal(new WriteOutcome(1, 0), await CommitAsync(Buy(T0, user: "u1", key: "order-1")));
    }

    [Fact]
    public async Task Regression_QuarantineErasureMatchedRawText_ErasesByExactIdentifierOnly()
    {
        const string bob = """{"action":"call","userId":"bob","params":{"phone":"+1-555-0100"}}""";
        await CommitAsync([], [], [
            // An escaped spelling of the id the raw text never contains as such.
            new RejectedEvent(T0, "native", "bad", """{"userId":"\u0061lice"}""") { Identifiers = [Identifier.User("alice")] },
            new RejectedEvent(T0, "native", "bad", """{"userId":1}""") { Identifiers = [Identifier.User("1")] },
            // Contains "1" as text, names someone else.
            new RejectedEvent(T0, "native", "bad", bob) { Identifiers = [Identifier.User("bob")] },
        ]);
        // Neither person has a stored event: their quarantined events are erased all the same.
        Assert.Equal(0, await Store.ErasePersonAsync(ProjectId, Identifier.User("alice")));
        Assert.Equal(0, await Store.ErasePersonAsync(ProjectId, Identifier.User("1")));
        Assert.Equal([bob], (await Store.GetRejectedAsync(ProjectId, 10)).Select(r => r.Raw));
    }

    // ---- recommendations (CONTRACT §8) ----

    private static TrackedEvent Product(string action, DateTime time, string product, string? user = null, string? guest = null,
        string? paramsJson = null, string? session = null, string? source = null, string? key = null) =>
        Ev(action, time, user, guest, key, product: product) with { ParamsJson = paramsJson, SessionId = session, SourceId = source };

    [Fact]
    public async Task Product_interaction_category_is_the_params_key_however_it_is_spelled()
    {
        await CommitAsync(
            Product(BuiltInActions.ProductView, T0, "sku-1", "u1", paramsJson: """{"\u0063ategory":"tea"}"""),
            Product(BuiltInActions.ProductView, T0.AddMinutes(1), "sku-2", "u1", paramsJson: """{"label":"category","price":1}"""),
            Product(BuiltInActions.ProductView, T0.AddMinutes(2), "sku-3", "u1", paramsJson: """{"price":1,"category":"coffee"}"""));

        var rows = (await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All)).Interactions;
        Assert.Equal(["tea", null, "coffee"], rows.Select(r => r.Category));
    }

    [Fact]
    public async Task Product_interactions_are_product_actions_with_a_product_in_range_oldest_first()
    {
        await CommitAsync(
            Product(BuiltInActions.AddToCart, T0.AddMinutes(-1), "before", "u1"),
            Product(BuiltInActions.ProductView, T0, "sku-1", "u1", paramsJson: """{"category":"shoes","price":99}""", session: "s1", source: "r_1"),
            Product(BuiltInActions.Purchase, T0.AddMinutes(1), "sku-2", "u1", paramsJson: """{"price":2.5,"quantity":4,"category":7}""", session: "s1"),
            // Equal times come back in the order they were stored.
            Product(BuiltInActions.Purchase, T0.AddMinutes(2), "sku-3", "u1", paramsJson: """{"price":"3"}""", session: "s2", key: "order-1"),
            Product(BuiltInActions.Purchase, T0.AddMinutes(2), "sku-4", "u1", paramsJson: """{"quantity":2}"""),
            Product(BuiltInActions.Rating, T0.AddMinutes(3), "sku-5", "u1", paramsJson: """{"rating":4,"nested":{"category":"no"}}"""),
            // Not product interactions: another action with a product target, a product action without one.
            Product("page_view", T0.AddMinutes(3), "sku-6", "u1"),
            Ev(BuiltInActions.ProductView, T0.AddMinutes(3), "u1"),
            Product(BuiltInActions.ProductView, T0.AddMinutes(5), "at-the-end", "u1"));
        // A retried key is one interaction.
        await CommitAsync(Product(BuiltInActions.Purchase, T0.AddMinutes(2), "sku-3", "u1", paramsJson: """{"price":"3"}""", key: "order-1"));

        var set = await Store.ReadProductInteractionsAsync(ProjectId, new TimeRange(T0, T0.AddMinutes(5)));
        var rows = set.Interactions;
        Assert.Equal(["sku-1", "sku-2", "sku-3", "sku-4", "sku-5"], rows.Select(r => r.Item));
        Assert.Equal([BuiltInActions.ProductView, BuiltInActions.Purchase, BuiltInActions.Purchase, BuiltInActions.Purchase, BuiltInActions.Rating],
            rows.Select(r => r.Action));
        Assert.Equal([T0, T0.AddMinutes(1), T0.AddMinutes(2), T0.AddMinutes(2), T0.AddMinutes(3)], rows.Select(r => r.Time));
        Assert.All(rows, r => Assert.Equal(DateTimeKind.Utc, r.Time.Kind));
        // Value: price x quantity (1 when absent) for purchases only; null without a numeric price.
        Assert.Equal([null, 10.0, 3.0, null, null], rows.Select(r => r.Value));
        Assert.Equal(["shoes", "7", null, null, null], rows.Select(r => r.Category));
        Assert.Equal(["r_1", null, null, null, null], rows.Select(r => r.SourceId));
        Assert.Single(rows.Select(r => r.Person).Distinct());
        // Sessions: equal ids hash equal, different ids differ, none is null.
        Assert.NotNull(rows[0].Session);
        Assert.Equal(rows[0].Session, rows[1].Session);
        Assert.NotEqual(rows[0].Session, rows[2].Session);
        Assert.Null(rows[3].Session);

        var all = await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All);
        Assert.Equal(["before", "sku-1", "sku-2", "sku-3", "sku-4", "sku-5", "at-the-end"], all.Interactions.Select(r => r.Item));
        Assert.Equal(new Dictionary<string, long> { ["u:u1"] = all.Interactions[0].Person }, all.PersonOfIdentifier);
        Assert.Empty((await Store.ReadProductInteractionsAsync(ProjectId, new TimeRange(null, T0.AddMinutes(-1)))).Interactions);
    }

    [Fact]
    public async Task Sourced_only_product_interactions_carry_a_source_id()
    {
        await CommitAsync(
            Product(BuiltInActions.ProductView, T0, "sku-1", "u1", source: "r_a"),
            Product(BuiltInActions.ProductView, T0.AddMinutes(1), "sku-2", "u1"),
            Product(BuiltInActions.Purchase, T0.AddMinutes(2), "sku-1", "u2", paramsJson: """{"price":5}""", source: "r_a"),
            Ev("search", T0.AddMinutes(3), "u2") with { SourceId = "r_a" });
        var set = await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All, sourcedOnly: true);
        Assert.Equal([("sku-1", "r_a", (double?)null), ("sku-1", "r_a", 5.0)], set.Interactions.Select(r => (r.Item, r.SourceId!, r.Value)));
        Assert.Equal(["u:u1", "u:u2"], set.PersonOfIdentifier.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All)).Interactions.Count);
    }

    [Fact]
    public async Task Regression_CrownpeakClickWithSourceId_IsReadAsASourcedInteraction()
    {
        await CommitAsync(
            Product(BuiltInActions.Click, T0, "sku-1", "u1", source: "r_a"),
            // Not sourced, or not on a product: nothing to credit.
            Product(BuiltInActions.Click, T0.AddMinutes(1), "sku-2", "u1"),
            Ev(BuiltInActions.Click, T0.AddMinutes(2), "u1") with { SourceId = "r_a", Target = new Dictionary<string, string> { ["banner"] = "b" } });
        var sourced = await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All, sourcedOnly: true);
        Assert.Equal([(BuiltInActions.Click, "sku-1", "r_a")], sourced.Interactions.Select(r => (r.Action, r.Item, r.SourceId!)));
        // Models learn from the product view a click leads to, not from the click.
        Assert.Empty((await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All)).Interactions);
    }

    [Fact]
    public async Task Product_interactions_are_filed_under_the_person_now_and_name_all_their_identifiers()
    {
        await CommitAsync(
            Product(BuiltInActions.ProductView, T0, "sku-1", guest: "g1"),
            Product(BuiltInActions.Purchase, T0.AddMinutes(1), "sku-2", user: "u1", paramsJson: """{"price":1}"""),
            Product(BuiltInActions.ProductView, T0.AddMinutes(2), "sku-3", guest: "g2"),
            // Identifiers with no product events: g3 has only a page view; g9 nothing at all.
            Ev("page_view", T0, guest: "g3"),
            Ev("page_view", T0, guest: "g4"));
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        await LinkAsync(Identifier.User("u1"), Identifier.Guest("g3"));
        await LinkAsync(Identifier.Guest("g9"), Identifier.Guest("g3"));

        var set = await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All);
        var rows = set.Interactions;
        Assert.Equal(["sku-1", "sku-2", "sku-3"], rows.Select(r => r.Item));
        Assert.Equal(rows[0].Person, rows[1].Person);
        Assert.NotEqual(rows[0].Person, rows[2].Person);
        var u1 = rows[0].Person;
        Assert.Equal(new Dictionary<string, long> { ["g:g1"] = u1, ["u:u1"] = u1, ["g:g3"] = u1, ["g:g9"] = u1, ["g:g2"] = rows[2].Person },
            set.PersonOfIdentifier);

        // Within one read only: a range without g1's view still files u1's purchase under the whole person.
        var later = await Store.ReadProductInteractionsAsync(ProjectId, new TimeRange(T0.AddMinutes(1), T0.AddMinutes(2)));
        var purchase = Assert.Single(later.Interactions);
        Assert.Equal(["g:g1", "g:g3", "g:g9", "u:u1"], later.PersonOfIdentifier.Keys.Order(StringComparer.Ordinal));
        Assert.All(later.PersonOfIdentifier.Values, p => Assert.Equal(purchase.Person, p));
    }

    [Fact]
    public async Task An_erased_person_is_absent_from_product_interactions()
    {
        await CommitAsync(
            Product(BuiltInActions.ProductView, T0, "sku-1", guest: "g1", source: "r_1"),
            Product(BuiltInActions.Purchase, T0.AddMinutes(1), "sku-1", user: "u1", paramsJson: """{"price":1}""", source: "r_1"),
            Product(BuiltInActions.ProductView, T0.AddMinutes(2), "sku-2", user: "u2", source: "r_1"));
        await LinkAsync(Identifier.Guest("g1"), Identifier.User("u1"));
        Assert.Equal(2, await Store.ErasePersonAsync(ProjectId, Identifier.User("u1")));
        foreach (var sourced in new[] { false, true })
        {
            var set = await Store.ReadProductInteractionsAsync(ProjectId, TimeRange.All, sourced);
            Assert.Equal(["sku-2"], set.Interactions.Select(r => r.Item));
            Assert.Equal(["u:u2"], set.PersonOfIdentifier.Keys);
        }
    }

    [Fact]
    public async Task Served_responses_round_trip_and_are_read_by_time_range_and_project()
    {
        var other = ProjectKeys.NewProjectId();
        await Store.CreateProjectAsync(new Project(other, "other", "hash-3", T0));
        ServedResponse[] first =
        [
            new("r_1", "personal", T0.AddMilliseconds(7), ["sku-1", "sku 'two'\\\t\n", "é"]),
            new("r_2", "trending", T0.AddMinutes(59), []),
        ];
        await Store.RecordResponsesAsync(ProjectId, first);
        await Store.RecordResponsesAsync(ProjectId, [new ServedResponse("r_3", "also-viewed", T0.AddHours(1), ["sku-9"])]);
        await Store.RecordResponsesAsync(ProjectId, []);
        await Store.RecordResponsesAsync(other, [new ServedResponse("r_4", "personal", T0, ["sku-1"])]);

        static string Show(ServedResponse r) => $"{r.ResponseId}|{r.Feed}|{r.Time:O}|{r.Time.Kind}|{string.Join(",", r.Items)}";
        var hour = await Store.ReadResponsesAsync(ProjectId, new TimeRange(T0, T0.AddHours(1)));
        Assert.Equal(first.Select(Show), hour.OrderBy(r => r.ResponseId, StringComparer.Ordinal).Select(Show));
        var all = await Store.ReadResponsesAsync(ProjectId, TimeRange.All);
        Assert.Equal(["r_1", "r_2", "r_3"], all.Select(r => r.ResponseId).Order(StringComparer.Ordinal));
        Assert.Equal(["r_3"], (await Store.ReadResponsesAsync(ProjectId, new TimeRange(T0.AddHours(1), null))).Select(r => r.ResponseId));
        Assert.Empty(await Store.ReadResponsesAsync(ProjectId, new TimeRange(null, T0.AddMilliseconds(7))));
        Assert.Equal(["r_4"], (await Store.ReadResponsesAsync(other, TimeRange.All)).Select(r => r.ResponseId));
    }

    // ---- quarantine and live counts ----

    [Fact]
    public async Task Rejected_events_come_back_newest_first_up_to_the_limit()
    {
        await CommitAsync([], [], [new RejectedEvent(T0, "native", "e1", "r1"), new RejectedEvent(T0.AddMinutes(2), "synerise", "e2", "r2")]);
        await CommitAsync([], [], [new RejectedEvent(T0.AddMinutes(1), "native", "e3", "r3\ttab")]);
        Assert.Equal(["r2", "r3\ttab", "r1"], (await Store.GetRejectedAsync(ProjectId, 10)).Select(r => r.Raw));
        var top = Assert.Single(await Store.GetRejectedAsync(ProjectId, 1));
        Assert.Equal(new RejectedEvent(T0.AddMinutes(2), "synerise", "e2", "r2"), top);
    }

    [Fact]
    public async Task Events_are_counted_per_minute_and_action_since_a_time()
    {
        await CommitAsync(Ev("a", T0.AddSeconds(-1), "u1"), Ev("a", T0, "u1"), Ev("a", T0.AddSeconds(59), "u2"), Ev("b", T0.AddSeconds(30), "u1"),
            Ev("a", T0.AddMinutes(1), "u1"), Ev("a", T0.AddMinutes(-5), "u1"));
        Assert.Equal([
            new ActionCount(T0.AddMinutes(-1), "a", 1),
            new ActionCount(T0, "a", 2),
            new ActionCount(T0, "b", 1),
            new ActionCount(T0.AddMinutes(1), "a", 1),
        ], await Store.CountByMinuteAsync(ProjectId, T0.AddSeconds(-1)));
    }
}
