using Footfall.Identity;

namespace Footfall.Tests.Identity;

public sealed class IdentityGraphTests
{
    [Fact]
    public void Linked_identifiers_form_one_person_transitively()
    {
        var graph = new IdentityGraph();
        var g1 = graph.GetOrAdd(1, "g:a", out _);
        var u1 = graph.GetOrAdd(1, "u:alice", out _);
        var g2 = graph.GetOrAdd(1, "g:b", out _);
        Assert.NotEqual(graph.PersonOf(g1), graph.PersonOf(u1));
        graph.Link(g1, u1);
        graph.Link(g2, u1);
        Assert.Equal(graph.PersonOf(g1), graph.PersonOf(g2));
        Assert.Equal(3, graph.Members(graph.PersonOf(u1)).Count);
        Assert.Null(graph.Link(g1, g2));
    }

    [Fact]
    public void The_same_key_in_another_project_is_another_identifier()
    {
        var graph = new IdentityGraph();
        Assert.NotEqual(graph.GetOrAdd(1, "u:alice", out _), graph.GetOrAdd(2, "u:alice", out var created));
        Assert.True(created);
    }

    [Fact]
    public void Merging_keeps_the_larger_person_so_fewer_rows_change()
    {
        var graph = new IdentityGraph();
        var a = graph.GetOrAdd(1, "u:a", out _);
        var b = graph.GetOrAdd(1, "g:b", out _);
        var c = graph.GetOrAdd(1, "g:c", out _);
        graph.Link(a, b);
        var merged = graph.Link(c, a);
        Assert.Equal(graph.PersonOf(a), merged!.Value.Kept);
        Assert.Equal(c, merged.Value.Absorbed);
    }

    [Fact]
    public void Removing_a_person_forgets_all_its_identifiers()
    {
        var graph = new IdentityGraph();
        var a = graph.GetOrAdd(1, "u:a", out _);
        var b = graph.GetOrAdd(1, "g:b", out _);
        graph.Link(a, b);
        graph.Remove(graph.PersonOf(a));
        Assert.Null(graph.Find(1, "u:a"));
        Assert.Null(graph.Find(1, "g:b"));
    }
}
