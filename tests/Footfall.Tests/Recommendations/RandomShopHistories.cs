using CsCheck;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Storage;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// A small random shop history for the recommendation property tests: few persons (guests that sign in, links), few
/// items and categories, sessions or none, times spread over the edges of the window and of days.
/// </summary>
/// <param name="Commits">Writes, in order, one commit each.</param>
/// <param name="Erased">The identifier whose person the erasure test erases.</param>
public sealed record RandomShopHistory(IReadOnlyList<ProjectWrite> Commits, Identifier Erased)
{
    /// <summary>The instant models are built at.</summary>
    public static readonly DateTime Now = new(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Every identifier an event or link can name.</summary>
    public static readonly IReadOnlyList<Identifier> Identifiers =
        [.. Enumerable.Range(0, 5).SelectMany(p => new[] { Identifier.Guest($"g{p}a"), Identifier.Guest($"g{p}b") }),
         .. Enumerable.Range(0, 5).Where(p => p % 2 == 0).Select(p => Identifier.User($"u{p}"))];

    /// <summary>
    /// Every item an event can name, and one never named. Two are text a store has to unescape: a quote, a backslash,
    /// a non-ASCII letter and a character outside the BMP (ClickHouse reads the item from the stored JSON in SQL).
    /// </summary>
    public static readonly IReadOnlyList<string> Items = [.. Enumerable.Range(0, 5).Select(i => $"sku-{i}"), "sku-\"5\\ü", "sku-6\U0001F600", "never"];

    /// <summary>A readable form for a failing case.</summary>
    public override string ToString() => $"erase {Erased.Key}\n" + string.Join("\n", Commits.Select((c, i) => $"commit {i}: " +
        string.Join("; ", c.Links.Select(l => $"link {l.A.Key}~{l.B.Key}").Concat(c.Events.Select(e =>
            $"{e.Action} {e.Product} by {e.Actor.Key} @{(e.Time - Now).TotalHours:0.###}h s={e.SessionId ?? "-"} {e.ParamsJson}")))));
}

/// <summary>Generators of <see cref="RandomShopHistory"/>.</summary>
public static class RandomShopHistories
{
    private static readonly string[] Actions = [.. BuiltInActions.ProductActions.Order(StringComparer.Ordinal)];

    // Hours before Now: inside the last hour, a day, a week, on a day's edge, and either side of a 30-day window.
    private static readonly double[] Ages = [0.25, 0.5, 1, 2, 23, 24, 30, 70, 100, 167, 200, 24 * 29.5, 24 * 30, 24 * 30 + 1, -1];

    private sealed record Step(int Kind, int Person, int Id, int Item, int Action, int Age, int Session, int Category, bool EndsCommit);

    private static readonly Gen<(int Session, int Category)> Visit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3]);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[0, 6], Gen.Int[0, Actions.Length - 1],
            Gen.Int[0, Ages.Length - 1], Visit, Gen.Bool)
        .Select(t => new Step(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7.Session, t.Item7.Category, t.Item8));

    /// <summary>Histories of up to 40 steps.</summary>
    public static readonly Gen<RandomShopHistory> Any = Gen.Select(StepGen.Array[1, 40], Gen.Int[0, RandomShopHistory.Identifiers.Count - 1])
        .Select((steps, erased) => Build(steps, RandomShopHistory.Identifiers[erased]));

    private static RandomShopHistory Build(Step[] steps, Identifier erased)
    {
        var commits = new List<ProjectWrite>();
        var events = new List<TrackedEvent>();
        var links = new List<IdentityLink>();
        foreach (var s in steps)
        {
            var (user, guest) = Ids(s.Person, s.Id);
            if (s.Kind == 0 && Ids(s.Person, (s.Id + 1) % 3) is var other && other != (user, guest))
                links.Add(new IdentityLink(Id(user, guest), Id(other.User, other.Guest)));
            else
            {
                var time = RandomShopHistory.Now.AddHours(-Ages[s.Age]).AddMinutes(s.Session * 7);
                var action = Actions[s.Action];
                // Category 2 names one only in a nested object, which is no category: an older event's category stands.
                var param = action == BuiltInActions.Purchase ? """{"price":2.5}""" : s.Category switch
                {
                    < 2 => $$"""{"category":"c{{s.Category}}"}""",
                    2 => """{"meta":{"category":"c0"}}""",
                    _ => null,
                };
                var item = RandomShopHistory.Items[s.Item];
                // Some targets name a kind that spells "product" after an escaped quote, before the product itself.
                var target = (s.Age + s.Item) % 3 == 0
                    ? new Dictionary<string, string> { ["x\"product"] = "spoof", ["product"] = item }
                    : new Dictionary<string, string> { ["product"] = item };
                events.Add(new TrackedEvent
                {
                    Action = action, Time = time, ReceivedAt = time, UserId = user, GuestId = guest,
                    SessionId = s.Session < 3 ? $"s{s.Session}" : null, Target = target,
                    ParamsJson = param,
                });
            }
            if (s.EndsCommit)
                Flush();
        }
        Flush();
        return new RandomShopHistory(commits, erased);

        void Flush()
        {
            // Links first, then events: both kinds in one commit, as the applier takes them from the log.
            if (links.Count > 0)
                commits.Add(new ProjectWrite("", [], [.. links], []));
            if (events.Count > 0)
                commits.Add(new ProjectWrite("", [.. events], [], []));
            links.Clear();
            events.Clear();
        }
    }

    private static Identifier Id(string? user, string? guest) => user is not null ? Identifier.User(user) : Identifier.Guest(guest!);

    // Even persons sign in: their third identifier is the user, and an event may carry guest and user together.
    private static (string? User, string? Guest) Ids(int person, int id) => (person % 2, id) switch
    {
        (0, 2) => ($"u{person}", $"g{person}a"),
        (_, var i) => (null, $"g{person}{(char)('a' + i % 2)}"),
    };
}
