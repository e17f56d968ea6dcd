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
    private readonly float[] _best;
    private readonly int[] _bestCount;
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
        _best = new float[slot * _k];
        _bestCount = new int[slot];
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
        _k == 0 ? float.PositiveInfinity : _bestCount[slot] < _k ? float.NegativeInfinity : _best[slot * _k];

    // The item's K best scores as a min-heap in its slice of _best: the K-th best at its root. A PriorityQueue per asked
    // item made the most active person's erasure at 100M events 0.3 s slower over HTTP (docs/benchmarks.md section 8).
    private void Offer(int slot, float score)
    {
        if (_k == 0)
            return;
        var heap = _best.AsSpan(slot * _k, _k);
        var count = _bestCount[slot];
        if (count < _k)
        {
            var i = count;
            heap[i] = score;
            while (i > 0 && heap[(i - 1) / 2] > heap[i])
            {
                (heap[i], heap[(i - 1) / 2]) = (heap[(i - 1) / 2], heap[i]);
                i = (i - 1) / 2;
            }
            _bestCount[slot] = count + 1;
            return;
        }
        if (score <= heap[0])
            return;
        heap[0] = score;
        for (var i = 0; ;)
        {
            var smallest = i;
            var (left, right) = (2 * i + 1, 2 * i + 2);
            if (left < _k && heap[left] < heap[smallest])
                smallest = left;
            if (right < _k && heap[right] < heap[smallest])
                smallest = right;
            if (smallest == i)
                break;
            (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
            i = smallest;
        }
    }
}
