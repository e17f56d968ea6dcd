using System.Globalization;
using System.Text.Json;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Ingest;
using Footfall.Storage;

namespace Footfall.Server.Demo;

/// <summary>
/// A realistic shop's last 60 days, generated from a fixed seed: a few thousand people (guests, some of whom
/// log in later), products in categories with companion items bought together, consumables bought again,
/// searches and sessions, and two A/B experiences: <c>checkout-button</c>, whose variant 1 truly converts better,
/// and <c>hero-banner</c>, whose variants do not differ.
/// </summary>
public static class DemoShop
{
    private const string LoadedSetting = "demo";
    private static readonly string[] Categories =
        ["coffee", "tea", "mugs", "grinders", "kettles", "filters", "books", "snacks", "cups", "scales", "storage", "gifts"];

    /// <summary>Loads the demo into the project unless it was loaded before.</summary>
    public static async Task LoadOnceAsync(IProjectCatalog store, IngestPipeline pipeline, string projectId, TimeProvider clock,
        ILogger logger, CancellationToken cancellationToken)
    {
        if (await store.GetSettingAsync(projectId, LoadedSetting, cancellationToken) is not null)
            return;
        var now = EventTime.Now(clock);
        await store.SaveExperienceAsync(projectId, new ExperienceDefinition
        {
            ShortUid = "checkout-button", Name = "Checkout button: green vs orange",
            Variants = [new("0", 50, "Green (control)"), new("1", 50, "Orange")],
            Metrics = [BuiltInActions.Purchase, BuiltInActions.AddToCart], AttributionDays = 14, CreatedAt = now.AddDays(-60),
        }, cancellationToken);
        await store.SaveExperienceAsync(projectId, new ExperienceDefinition
        {
            ShortUid = "hero-banner", Name = "Home hero banner: photo vs illustration",
            Variants = [new("0", 50, "Photo"), new("1", 50, "Illustration")],
            Metrics = [BuiltInActions.AddToCart, BuiltInActions.Purchase], AttributionDays = 7, CreatedAt = now.AddDays(-45),
        }, cancellationToken);
        var events = Generate(now, people: 3000, seed: 42);
        var total = 0;
        foreach (var chunk in events.Chunk(EventLimits.MaxBatchEvents))
        {
            var result = await pipeline.IngestAsync(projectId, EventSources.Import, chunk.Select(e => EventCandidate.Of(e, "demo")).ToList(),
                cancellationToken: cancellationToken);
            total += result.Accepted;
        }
        await store.SaveSettingAsync(projectId, LoadedSetting, JsonSerializer.Serialize(new { loadedAt = now, events = total }), cancellationToken);
        logger.LogInformation("Loaded the demo shop: {Events} events of {People} people over 60 days", total, 3000);
    }

    /// <summary>The demo's events, oldest first.</summary>
    public static List<TrackedEvent> Generate(DateTime now, int people, int seed)
    {
        var random = new Random(seed);
        var products = Enumerable.Range(0, 240).Select(i => new Product($"sku-{i:D3}", Categories[i % Categories.Length],
            Math.Round(4 + random.NextDouble() * 60, 2))).ToArray();
        var events = new List<TrackedEvent>();
        for (var p = 0; p < people; p++)
            new Shopper(random, products, now, p, events).Live();
        events.Sort((a, b) => a.Time.CompareTo(b.Time));
        return events;
    }

    private sealed record Product(string Sku, string Category, double Price)
    {
        public int Index => int.Parse(Sku[4..], CultureInfo.InvariantCulture);
    }

    private sealed class Shopper(Random random, Product[] products, DateTime now, int number, List<TrackedEvent> events)
    {
        private readonly string _guest = $"guest-{number:D5}";
        private readonly string? _user = random.NextDouble() < 0.55 ? $"user-{number:D5}" : null;
        private readonly string _favourite = Categories[random.Next(Categories.Length)];
        private bool _loggedIn;
        private string? _session;
        private readonly string _checkoutVariant = random.NextDouble() < 0.5 ? "0" : "1";
        private readonly string _heroVariant = random.NextDouble() < 0.5 ? "0" : "1";
        private int _seq;

        public void Live()
        {
            var sessions = 1 + random.Next(6);
            var time = now.AddDays(-60 + random.NextDouble() * 55);
            for (var s = 0; s < sessions && time < now; s++)
            {
                Session(ref time, s);
                time = time.AddDays(1 + random.NextDouble() * 12);
            }
        }

        private void Session(ref DateTime time, int index)
        {
            _session = $"s-{number:D5}-{index}";
            // About half the account holders log in during their second visit: their guest history joins them retroactively.
            if (_user is not null && index >= 1 && !_loggedIn && random.NextDouble() < 0.6)
                _loggedIn = true;
            Add(ref time, BuiltInActions.SessionStart);
            Add(ref time, BuiltInActions.PageVisit, param: ("url", "https://demo.shop/"));
            if (index == 0 && time > now.AddDays(-45))
                Add(ref time, BuiltInActions.Impression, experience: ("hero-banner", _heroVariant));
            if (random.NextDouble() < 0.3)
                Add(ref time, BuiltInActions.Search, target: ("query", _favourite));
            Add(ref time, BuiltInActions.CategoryView, target: ("category", _favourite));
            var viewed = new List<Product>();
            for (var v = 0; v < 2 + random.Next(6); v++)
            {
                var product = Pick(viewed);
                viewed.Add(product);
                Add(ref time, BuiltInActions.ProductView, target: ("product", product.Sku), param: ("category", product.Category));
            }
            const double intent = 0.25;
            if (random.NextDouble() < intent)
            {
                var cart = viewed.Take(1 + random.Next(Math.Min(3, viewed.Count))).ToList();
                foreach (var product in cart)
                    Add(ref time, BuiltInActions.AddToCart, target: ("product", product.Sku), param: ("category", product.Category));
                Add(ref time, BuiltInActions.Impression, experience: ("checkout-button", _checkoutVariant));
                var buy = _checkoutVariant == "1" ? 0.55 : 0.40;
                if (random.NextDouble() < buy)
                {
                    foreach (var product in cart)
                        Add(ref time, BuiltInActions.Purchase, target: ("product", product.Sku), param: ("category", product.Category), price: product.Price);
                }
            }
            Add(ref time, BuiltInActions.SessionEnd);
        }

        // Mostly the favourite category; after a view, often a companion (the next two skus of the category).
        private Product Pick(List<Product> viewed)
        {
            if (viewed.Count > 0 && random.NextDouble() < 0.45)
            {
                var last = viewed[^1];
                var companion = (last.Index + Categories.Length * (1 + random.Next(2))) % products.Length;
                return products[companion];
            }
            var inFavourite = random.NextDouble() < 0.7;
            var category = inFavourite ? Array.IndexOf(Categories, _favourite) : random.Next(Categories.Length);
            // Popularity is skewed: low ranks within a category are seen far more often.
            var rank = (int)(Math.Pow(random.NextDouble(), 2) * (products.Length / Categories.Length));
            return products[rank * Categories.Length + category];
        }

        private void Add(ref DateTime time, string action, (string Kind, string Id)? target = null, (string Experience, string Variant)? experience = null,
            (string Name, string Value)? param = null, double? price = null)
        {
            time = time.AddSeconds(5 + random.Next(90));
            if (time >= now) return;
            string? paramsJson = null;
            if (param is { } pv) paramsJson = JsonSerializer.Serialize(new Dictionary<string, string> { [pv.Name] = pv.Value });
            // Product events carry their category so trending can be filtered by it.
            if (price is { } pr) paramsJson = JsonSerializer.Serialize(new { price = pr, quantity = 1, currency = "EUR", category = param?.Value });
            events.Add(new TrackedEvent
            {
                Key = $"demo-{number:D5}-{_seq++}", Action = action, Time = EventTime.Normalize(time), ReceivedAt = EventTime.Normalize(time),
                GuestId = _guest, UserId = _loggedIn ? _user : null, SessionId = _session,
                Target = target is { } t ? new Dictionary<string, string> { [t.Kind] = t.Id } : null,
                Experience = experience?.Experience, Variant = experience?.Variant, ParamsJson = paramsJson, Source = EventSources.Native,
            });
        }
    }
}
