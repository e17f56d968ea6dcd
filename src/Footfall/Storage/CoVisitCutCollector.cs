using Footfall.Recommendations;

namespace Footfall.Storage;

/// <summary>
/// What a read with a <see cref="CoVisitCut"/> keeps, taken from the asked items' pair rows as a store streams them, in
/// any order and without holding them: the same pairs as <see cref="CoVisitCut.Apply"/> (scored with
/// <see cref="ItemSimilarity.Cosine"/> as it scores them), each once. An asked item's floor is its
/// <see cref="CoVisitCut.Neighbours"/>-th best score, known only once all its rows are in, so a row below its partner's
/// floor is held back only while it scores at least the item's best <see cref="CoVisitCut.Neighbours"/> so far (that
/// bound only rises): about K ln(rows / K) of an item's rows when they come in no order of score. Writing the asked items' 6.0M rows into a
/// table first, to find the floors and then cut them, took ~400 ms of the 100th most active person's erasure at 100M
/// events (docs/benchmarks.md section 8).
/// </summary>
public sealed class CoVisitCutCollector
{
    private readonly CoVisitCut _cut;
    private readonly int[] _reach;
    private readonly int[] _asked;
    private readonly PriorityQueue<float, float>[] _best;
    private readonly int _k;
    private readonly List<(int A, int B, int Count)> _kept = [];
    private readonly List<(int A, int B, int Count, float Score)> _held = [];

    /// <param name="cut">The model's cut.</param>
    /// <param name="askedReach">The asked items, by their places in the cut's items, each with its reach counted again.</param>
    public CoVisitCutCollector(CoVisitCut cut, IReadOnlyDictionary<int, int> askedReach)
    {
        _cut = cut;
        _k = Math.Max(cut.Neighbours, 0);
        _reach = cut.Reach.ToArray();
        _asked = new int[cut.Items.Count];
        Array.Fill(_asked, -1);
        var slot = 0;
        foreach (var (item, reach) in askedReach)
        {
            _reach[item] = reach;
            _asked[item] = slot++;
        }
        _best = new PriorityQueue<float, float>[slot];
        for (var i = 0; i < slot; i++)
            _best[i] = new PriorityQueue<float, float>(_k + 1);
    }

    /// <summary>
    /// One row of an asked item <paramref name="a"/> with <paramref name="b"/> (places in the cut's items), seen together
    /// in <paramref name="count"/> visits (more than 0). Every row of every asked item comes once: a pair of two asked
    /// items twice, once from each.
    /// </summary>
    public void Add(int a, int b, int count)
    {
        var score = ItemSimilarity.Cosine(count, _reach[a], _reach[b]);
        var slot = _asked[a];
        Offer(slot, score);
        var other = _asked[b];
        if (other < 0)
        {
            if (score >= _cut.Floors[b])
                _kept.Add((a, b, count));
            else if (score >= Bound(slot))
                _held.Add((a, b, count, score));
        }
        else if (a < b && (score >= Bound(slot) || score >= Bound(other)))
        {
            // The pair's other row feeds b's best scores; this one decides, once both are known.
            _held.Add((a, b, count, score));
        }
    }

    /// <summary>The kept pairs (places in the cut's items, count), each once; the collector is done with.</summary>
    public IEnumerable<(int A, int B, int Count)> Kept()
    {
        foreach (var (a, b, count, score) in _held)
        {
            var other = _asked[b];
            if (score >= Bound(_asked[a]) || (other >= 0 && score >= Bound(other)))
                _kept.Add((a, b, count));
        }
        return _kept;
    }

    // An asked item's K-th best score so far (once all its rows are in, its floor: CoVisitCut.Apply keeps its rows at it
    // or above, ties sharing a rank); while it has fewer than K rows, none (each may enter its list).
    private float Bound(int slot) =>
        _k == 0 ? float.PositiveInfinity : _best[slot].Count < _k ? float.NegativeInfinity : _best[slot].Peek();

    // The item's K best scores so far, the K-th best first out.
    private void Offer(int slot, float score)
    {
        var best = _best[slot];
        if (best.Count < _k)
            best.Enqueue(score, score);
        else if (_k > 0 && score > best.Peek())
            best.EnqueueDequeue(score, score);
    }
}
