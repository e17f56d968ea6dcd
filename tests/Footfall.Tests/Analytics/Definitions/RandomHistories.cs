using CsCheck;
using Footfall.Analytics.Definitions;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Recommendations;
using Footfall.Storage;

namespace Footfall.Tests.Analytics.Definitions;

/// <summary>
/// A small random project history, cut into commits, with an experience and the ranges to ask about: the input of
/// the property tests that hold every store and index to the definitions.
/// </summary>
/// <param name="Commits">The history's entries, cut into commits in order.</param>
/// <param name="Responses">The recommendation responses served.</param>
/// <param name="Experience">The experience asked about.</param>
/// <param name="SaveExperienceFirst">Whether the experience is saved before the events (else just before asking).</param>
/// <param name="Ranges">The time ranges asked about.</param>
public sealed record RandomHistory(IReadOnlyList<IReadOnlyList<HistoryEntry>> Commits, IReadOnlyList<ServedResponse> Responses,
    ExperienceDefinition Experience, bool SaveExperienceFirst, IReadOnlyList<TimeRange> Ranges)
{
    /// <summary>The history as the definitions read it.</summary>
    public ProjectHistory History => new(Commits.SelectMany(c => c).ToList(), Responses);

    /// <summary>One commit as the store takes it: runs of links and runs of events, in order, one write each.</summary>
    public static IReadOnlyList<ProjectWrite> Writes(string projectId, IReadOnlyList<HistoryEntry> commit)
    {
        var writes = new List<ProjectWrite>();
        foreach (var run in Runs(commit))
        {
            writes.Add(run[0] is LinkEntry
                ? new ProjectWrite(projectId, [], run.Cast<LinkEntry>().Select(l => l.Link).ToList(), [])
                : new ProjectWrite(projectId, run.Cast<EventEntry>().Select(e => e.Event).ToList(), [], []));
        }
        return writes;
    }

    private static IEnumerable<List<HistoryEntry>> Runs(IReadOnlyList<HistoryEntry> entries)
    {
        var run = new List<HistoryEntry>();
        foreach (var entry in entries)
        {
            if (run.Count > 0 && run[0].GetType() != entry.GetType())
            {
                yield return run;
                run = [];
            }
            run.Add(entry);
        }
        if (run.Count > 0)
            yield return run;
    }

    /// <summary>A readable form for a failing case: one line per commit.</summary>
    public override string ToString() =>
        $"days={Experience.AttributionDays} metrics=[{string.Join(",", Experience.Metrics)}] saveFirst={SaveExperienceFirst}\n" +
        $"ranges: {string.Join("; ", Ranges.Select(r => $"[{At(r.From)}, {At(r.To)})"))}\n" +
        $"responses: {string.Join("; ", Responses.Select(r => $"{r.ResponseId} {r.Feed} @{At(r.Time)} [{string.Join(",", r.Items)}]"))}\n" +
        string.Join("\n", Commits.Select((c, i) => $"commit {i}: " + string.Join("; ", c.Select(Show))));

    private static string Show(HistoryEntry entry) => entry switch
    {
        LinkEntry l => $"link {l.Link.A}~{l.Link.B}",
        EventEntry { Event: var e } => $"{e.Action}{(e.Experience is null ? "" : $" {e.Experience}/{e.Variant}")} by " +
            $"{string.Join("+", new[] { e.UserId is null ? null : "u:" + e.UserId, e.GuestId is null ? null : "g:" + e.GuestId }.OfType<string>())} " +
            $"@{At(e.Time)}{(e.Key is null ? "" : $" key={e.Key}")}{(e.Product is null ? "" : $" {e.Product}")}" +
            $"{(e.SourceId is null ? "" : $" src={e.SourceId}")}{(e.ParamsJson is null ? "" : " " + e.ParamsJson)}",
        _ => entry.ToString(),
    };

    private static string At(DateTime? time) => time is { } t ? $"T0{(t - RandomHistories.T0).TotalMilliseconds:+0;-0;+0}ms" : "-";
}

/// <summary>Generators of <see cref="RandomHistory"/>: few persons, few variants, times clustered on the edges that matter.</summary>
public static class RandomHistories
{
    /// <summary>Two hours before midnight, so a few hours' offsets cross a day boundary.</summary>
    public static readonly DateTime T0 = new(2024, 3, 10, 22, 0, 0, DateTimeKind.Utc);

    /// <summary>The experience every history is about; <c>other</c> is a second one whose impressions must not count.</summary>
    public const string ExperienceId = "exp1";

    private static readonly TimeSpan[] Offsets =
        [TimeSpan.FromHours(-1), TimeSpan.FromMilliseconds(-1), TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1), TimeSpan.FromHours(3)];

    private static readonly string[] Items = ["sku-1", "sku-2", "sku-3"];

    /// <summary>Whole days from T0 plus an offset: the instants at and next to a window's or a day's edge.</summary>
    private static readonly Gen<DateTime> Time = Gen.Select(Gen.Int[0, 3], Gen.Int[0, Offsets.Length - 1], (d, o) => T0.AddDays(d) + Offsets[o]);

    private static readonly Gen<DateTime?> Bound = Gen.Frequency((1, Gen.Const((DateTime?)null)), (3, Time.Select(t => (DateTime?)t)));

    /// <summary>
    /// One planned step. Persons are planned up front (person p has guests gpa, gpb and, for even p, the user up), and
    /// links only ever join identifiers of one planned person, so no link meets the rule that refuses joining two users.
    /// </summary>
    private sealed record Step(int Kind, int Person, int Id, DateTime Time, int Choice, int Source, bool Keyed, bool EndsCommit);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 11], Gen.Int[0, 3], Gen.Int[0, 3], Time, Gen.Int[0, 2], Gen.Int[0, 3], Gen.Bool, Gen.Bool)
        .Select(t => new Step(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, t.Item8));

    private static readonly Gen<(int Feed, DateTime Time, int Items)> ResponseGen = Gen.Select(Gen.Int[0, FeedNames.All.Count - 1], Time, Gen.Int[1, 7],
        (feed, time, items) => (feed, time, items));

    /// <summary>Histories of up to 24 steps and 3 responses, an experience with 1-2 attribution days, up to 3 ranges.</summary>
    public static readonly Gen<RandomHistory> Any =
        Gen.Select(StepGen.Array[1, 24], ResponseGen.Array[0, 3], Gen.Int[1, 2], Gen.Bool, Gen.Select(Bound, Bound).Array[1, 3])
        .Select((steps, responses, days, saveFirst, ranges) => Build(steps, responses, days, saveFirst, ranges));

    private static RandomHistory Build(Step[] steps, (int Feed, DateTime Time, int Items)[] responses, int days, bool saveFirst,
        (DateTime? From, DateTime? To)[] ranges)
    {
        var commits = new List<IReadOnlyList<HistoryEntry>>();
        var commit = new List<HistoryEntry>();
        var stored = new List<TrackedEvent>();
        for (var i = 0; i < steps.Length; i++)
        {
            var entry = Entry(steps[i], i, stored);
            if (entry is EventEntry e)
                stored.Add(e.Event);
            commit.Add(entry);
            if (steps[i].EndsCommit || i == steps.Length - 1)
            {
                commits.Add(commit);
                commit = [];
            }
        }
        var served = responses.Select((r, i) => new ServedResponse($"r{i}", FeedNames.All[r.Feed], r.Time,
            Items.Where((_, bit) => (r.Items & (1 << bit)) != 0).ToList())).ToList();
        var experience = new ExperienceDefinition
        {
            ShortUid = ExperienceId,
            Variants = [new VariantDefinition("0", 50), new VariantDefinition("1", 50)],
            Metrics = [BuiltInActions.Purchase, "signup"],
            AttributionDays = days,
            CreatedAt = T0,
        };
        return new RandomHistory(commits, served, experience, saveFirst, ranges.Select(r => new TimeRange(r.From, r.To)).ToList());
    }

    private static HistoryEntry Entry(Step s, int index, List<TrackedEvent> stored)
    {
        var (user, guest) = Identifiers(s.Person, s.Id);
        var e = new TrackedEvent { Action = "", Time = s.Time, ReceivedAt = s.Time, UserId = user, GuestId = guest, Key = s.Keyed ? $"k{index}" : null };
        var item = Items[s.Choice];
        var source = s.Source < 3 ? $"r{s.Source}" : null;
        return s.Kind switch
        {
            0 or 1 or 2 => new EventEntry(e with { Action = BuiltInActions.Impression, Experience = ExperienceId, Variant = s.Choice.ToString() }),
            3 => new EventEntry(e with { Action = BuiltInActions.Impression, Experience = "other", Variant = "0" }),
            4 or 5 => new EventEntry(Product(e, BuiltInActions.Purchase, item, source) with { ParamsJson = s.Choice == 2 ? null : $$"""{"price":{{s.Choice + 1.25}},"quantity":{{s.Source + 1}}}""" }),
            6 => new EventEntry(e with { Action = "signup" }),
            // Attraqt XO's click on a product counts as a click of the response, like a product view.
            7 => new EventEntry(Product(e, s.Keyed ? BuiltInActions.Click : BuiltInActions.ProductView, item, source)),
            8 => new EventEntry(Product(e, BuiltInActions.AddToCart, item, source)),
            // A client's retry of an earlier event: the same key (if it had one) and content.
            9 when stored.Count > 0 => new EventEntry(stored[s.Choice % stored.Count]),
            10 when Identifiers(s.Person, (s.Id + 1) % 4) is var other && other != (user, guest) =>
                new LinkEntry(new IdentityLink(Id(user, guest), Id(other.User, other.Guest))),
            _ => new EventEntry(e with { Action = BuiltInActions.PageView, Target = new Dictionary<string, string> { ["page"] = "/" } }),
        };
    }

    private static TrackedEvent Product(TrackedEvent e, string action, string item, string? source) =>
        e with { Action = action, Target = new Dictionary<string, string> { ["product"] = item }, SourceId = source };

    private static Identifier Id(string? user, string? guest) => user is not null ? Identifier.User(user) : Identifier.Guest(guest!);

    /// <summary>
    /// The identifiers an event of planned person p carries: a guest alone, the user alone, or both (which links them).
    /// Odd persons never sign in.
    /// </summary>
    private static (string? User, string? Guest) Identifiers(int person, int id) => (person % 2, id) switch
    {
        (0, 2) => ($"u{person}", null),
        (0, 3) => ($"u{person}", $"g{person}a"),
        (_, var i) => (null, $"g{person}{(char)('a' + i % 2)}"),
    };
}
