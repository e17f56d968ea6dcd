using CsCheck;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;

namespace Footfall.Tests.Storage;

/// <summary>The link rule (CONTRACT §3, <see cref="LinkRule"/>), as every store applies it.</summary>
public abstract partial class EventStoreConformance
{
    private static readonly string AnonymousA = "anon_" + new string('a', 32);
    private static readonly string AnonymousB = "anon_" + new string('b', 32);

    /// <summary>How many random link sequences the property test tries on this store.</summary>
    protected virtual int LinkSequences => 60;

    private async Task<HashSet<string>> IdentifiersOfAsync(Identifier identifier) =>
        (await Store.FindPersonAsync(ProjectId, identifier))!.Identifiers.Select(i => i.Key).ToHashSet();

    [Fact]
    public async Task A_public_link_never_joins_two_persons_that_each_hold_a_user_id()
    {
        await CommitAsync(Buy(T0, user: "u1", guest: "g1"), Buy(T0, user: "u2"));
        var outcome = await CommitAsync([], [new IdentityLink(Identifier.Guest("g1"), Identifier.User("u2"))]);
        Assert.Equal(new WriteOutcome(0, 0, 1), outcome);
        Assert.Equal(["g:g1", "u:u1"], await IdentifiersOfAsync(Identifier.Guest("g1")));
        Assert.Equal(["u:u2"], await IdentifiersOfAsync(Identifier.User("u2")));
        var rejected = Assert.Single(await Store.GetRejectedAsync(ProjectId, 10));
        Assert.Equal(LinkRule.RefusedReason, rejected.Error);
        Assert.Equal("""{"userIds":["u2"],"guestIds":["g1"]}""", rejected.Raw);
    }

    [Fact]
    public async Task An_event_of_a_new_user_on_another_users_guest_is_stored_for_that_user_alone()
    {
        // One commit: the second event's link is decided after the first one's, as on a shared browser.
        var outcome = await CommitAsync(Buy(T0, "u1", "g1", key: "a"), Buy(T0.AddMinutes(1), "u2", "g1", key: "b"));
        Assert.Equal(new WriteOutcome(2, 0, 1), outcome);
        Assert.Equal(["g:g1", "u:u1"], await IdentifiersOfAsync(Identifier.Guest("g1")));
        var u2 = await Store.FindPersonAsync(ProjectId, Identifier.User("u2"));
        Assert.Equal(["u:u2"], u2!.Identifiers.Select(i => i.Key));
        Assert.Equal(1, u2.EventCount);
        Assert.Single(await Store.GetRejectedAsync(ProjectId, 10));
    }

    [Fact]
    public async Task Anonymous_ids_and_minted_uids_join_an_identified_person()
    {
        await CommitAsync(Imp(T0, "0", guest: "g1"), Imp(T0, "0", user: AnonymousA));
        await LinkAsync(Identifier.User(AnonymousA), Identifier.User("u1"));
        Assert.Equal(new WriteOutcome(1, 0, 0), await CommitAsync(Buy(T0.AddHours(1), "u1", "g1")));
        Assert.Equal(["g:g1", "u:" + AnonymousA, "u:u1"], await IdentifiersOfAsync(Identifier.User("u1")));
        Assert.Equal(1, (await ResultsAsync())["0"].Impressions);
        // Now identified, the minted uid's person is refused to any other user.
        Assert.Equal(1, (await CommitAsync([], [new IdentityLink(Identifier.User(AnonymousA), Identifier.User("u2"))])).RefusedLinks);
    }

    [Fact]
    public async Task User_ids_named_together_join_and_a_new_one_needs_a_known_user_id_of_the_person()
    {
        IdentityLink[] Identities(string session, params string[] users) =>
            [.. users.Select(u => new IdentityLink(Identifier.Guest(session), Identifier.User(u)))];
        Assert.Equal(new WriteOutcome(1, 0, 0), await CommitAsync([Ev("view", T0, "c1", "s1")], Identities("s1", "c1", "e1")));
        Assert.Equal(["g:s1", "u:c1", "u:e1"], await IdentifiersOfAsync(Identifier.User("e1")));
        // A known customer id with a new e-mail: the e-mail joins.
        Assert.Equal(new WriteOutcome(1, 0, 0), await CommitAsync([Ev("view", T0, "c1", "s2")], Identities("s2", "c1", "m1")));
        Assert.Equal(["g:s1", "g:s2", "u:c1", "u:e1", "u:m1"], await IdentifiersOfAsync(Identifier.User("c1")));
        // A new user id with only the person's guest id is refused, once for the group and its event's own pair.
        Assert.Equal(new WriteOutcome(1, 0, 1), await CommitAsync([Ev("view", T0, "x1", "s1")], Identities("s1", "x1", "x2")));
        Assert.Equal(["g:s1", "g:s2", "u:c1", "u:e1", "u:m1"], await IdentifiersOfAsync(Identifier.User("c1")));
        Assert.Equal(["u:x1"], await IdentifiersOfAsync(Identifier.User("x1")));
        Assert.Null(await Store.FindPersonAsync(ProjectId, Identifier.User("x2")));
        Assert.Single(await Store.GetRejectedAsync(ProjectId, 10));
    }

    [Fact]
    public async Task A_merge_joins_two_identified_persons()
    {
        await CommitAsync(Imp(T0, "0", "u1", "g1"), Imp(T0, "0", "u2", "g2"));
        Assert.Equal(2, (await ResultsAsync())["0"].Impressions);
        Assert.Equal(new WriteOutcome(0, 0, 0), await CommitAsync([], [IdentityLink.Merge(Identifier.User("u2"), Identifier.User("u1"))]));
        Assert.Equal(["g:g1", "g:g2", "u:u1", "u:u2"], await IdentifiersOfAsync(Identifier.Guest("g2")));
        Assert.Equal(1, (await ResultsAsync())["0"].Impressions);
    }

    /// <summary>One step of a random link sequence: an event's pair, a group of links, or an operator's merge.</summary>
    private sealed record LinkStep(string Kind, Identifier[] Identifiers)
    {
        public override string ToString() => $"{Kind}({string.Join(", ", Identifiers)})";
    }

    private static readonly Identifier[] Users =
        [Identifier.User("u1"), Identifier.User("u2"), Identifier.User("u3"), Identifier.User(AnonymousA), Identifier.User(AnonymousB)];

    private static readonly Identifier[] Guests = [Identifier.Guest("g1"), Identifier.Guest("g2"), Identifier.Guest("g3")];

    private static readonly Gen<LinkStep> Step = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, Users.Length - 1], Gen.Int[0, Guests.Length - 1], (u, g) => new LinkStep("event", [Users[u], Guests[g]]))),
        (4, Gen.Int[0, Users.Length + Guests.Length - 1].Array[2, 3]
            .Select(ids => new LinkStep("link", ids.Distinct().Select(i => i < Users.Length ? Users[i] : Guests[i - Users.Length]).ToArray()))),
        (1, Gen.Int[0, 2].Array[2].Where(a => a[0] != a[1]).Select(a => new LinkStep("merge", [Users[a[0]], Users[a[1]]]))));

    [Fact]
    public async Task Property_random_links_never_join_user_ids_known_in_different_persons_except_by_merge()
    {
        await Step.Array[1, 12].SampleAsync(async steps =>
        {
            var project = ProjectKeys.NewProjectId();
            await Store.CreateProjectAsync(new Project(project, "p", "h", T0));
            foreach (var step in steps)
            {
                var before = await UserIdsOfPersonsAsync(project);
                var write = step.Kind switch
                {
                    "event" => new ProjectWrite(project, [Ev("view", T0, step.Identifiers[0].Value, step.Identifiers[1].Value)], [], []),
                    "merge" => new ProjectWrite(project, [], [IdentityLink.Merge(step.Identifiers[0], step.Identifiers[1])], []),
                    _ => new ProjectWrite(project, [], step.Identifiers.Skip(1).Select(i => new IdentityLink(step.Identifiers[0], i)).ToList(), []),
                };
                await Store.CommitAsync([write]);
                if (step.Kind == "merge")
                    continue;
                var after = await UserIdsOfPersonsAsync(project);
                foreach (var (user, userIds) in before)
                {
                    // New user ids may join (named with one of the person's user ids); none known elsewhere may.
                    var known = after[user].Where(before.ContainsKey).ToHashSet();
                    Assert.True(userIds.SetEquals(known), $"{step}: {user}'s person held {string.Join(",", userIds)}, now {string.Join(",", after[user])}");
                }
            }
        }, iter: LinkSequences, threads: 1);
    }

    /// <summary>For every known identifying user id, the identifying user ids its person holds.</summary>
    private async Task<Dictionary<Identifier, HashSet<Identifier>>> UserIdsOfPersonsAsync(string project)
    {
        var result = new Dictionary<Identifier, HashSet<Identifier>>();
        foreach (var user in Users.Where(LinkRule.Identifies))
        {
            if (await Store.FindPersonAsync(project, user) is { } person)
                result[user] = person.Identifiers.Where(LinkRule.Identifies).ToHashSet();
        }
        return result;
    }
}
