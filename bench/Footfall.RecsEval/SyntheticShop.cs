using Footfall.Events;
using Footfall.Storage;

namespace Footfall.RecsEval;

/// <summary>
/// A shop with known structure: 40 clusters of 10 products, cluster popularity Zipf-skewed. Each person likes one
/// cluster (30% also a second); a visit views 3-6 products of a liked cluster (Zipf within it) plus 20% random noise,
/// and buys one viewed product 30% of the time. A model that learns the clusters should beat popularity clearly.
/// </summary>
public static class SyntheticShop
{
    public static List<ProductInteraction> Generate(DateTime now, int people, int seed)
    {
        const int clusters = 40, size = 10;
        var random = new Random(seed);
        var rows = new List<ProductInteraction>();
        var clusterWeights = Enumerable.Range(1, clusters).Select(r => 1.0 / r).ToArray();
        for (var p = 0; p < people; p++)
        {
            var liked = new List<int> { Pick(random, clusterWeights) };
            if (random.NextDouble() < 0.3) liked.Add(Pick(random, clusterWeights));
            var time = now.AddDays(-60 + random.NextDouble() * 55);
            var visits = 1 + random.Next(6);
            for (var v = 0; v < visits && time < now; v++)
            {
                var session = ((long)p << 8) | (uint)v;
                var cluster = liked[random.Next(liked.Count)];
                var viewed = new List<string>();
                for (var i = 0; i < 3 + random.Next(4); i++)
                {
                    var item = random.NextDouble() < 0.2
                        ? $"p{random.Next(clusters * size):D3}"
                        : $"p{cluster * size + (int)(Math.Pow(random.NextDouble(), 2) * size):D3}";
                    viewed.Add(item);
                    time = time.AddSeconds(20 + random.Next(100));
                    rows.Add(new ProductInteraction(p, item, BuiltInActions.ProductView, time, null, null, session, null));
                }
                if (random.NextDouble() < 0.3)
                {
                    var item = viewed[random.Next(viewed.Count)];
                    time = time.AddSeconds(30);
                    rows.Add(new ProductInteraction(p, item, BuiltInActions.AddToCart, time, null, null, session, null));
                    time = time.AddSeconds(30);
                    rows.Add(new ProductInteraction(p, item, BuiltInActions.Purchase, time, 10, null, session, null));
                }
                time = time.AddDays(1 + random.NextDouble() * 10);
            }
        }
        rows.RemoveAll(r => r.Time >= now);
        rows.Sort((a, b) => a.Time.CompareTo(b.Time));
        return rows;
    }

    private static int Pick(Random random, double[] weights)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
            if ((x -= weights[i]) <= 0) return i;
        return weights.Length - 1;
    }
}
