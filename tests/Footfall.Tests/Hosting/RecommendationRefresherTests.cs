using Footfall.Server.Hosting;

namespace Footfall.Tests.Hosting;

/// <summary>
/// When a scheduled model refresh runs: ingest first. At 100M events a refresh held both cores for over a minute and
/// the applier ran at half its rate beside it (docs/benchmarks.md section 8), so a round waits while the applier works
/// off a backlog, but never past a bound.
/// </summary>
public sealed class RecommendationRefresherTests
{
    [Fact]
    public void Regression_ARefreshBesideABacklog_HalvedTheAppliersRate_SoARoundWaitsWhileTheApplierIsBehind()
    {
        var justAfterARound = TimeSpan.FromSeconds(30);
        Assert.False(RecommendationRefresher.Due(RecommendationRefresher.Backlog + TimeSpan.FromMilliseconds(1), justAfterARound));
        Assert.False(RecommendationRefresher.Due(TimeSpan.FromMinutes(3), justAfterARound));
    }

    [Fact]
    public void A_round_runs_when_the_applier_is_caught_up_or_within_one_batch()
    {
        Assert.True(RecommendationRefresher.Due(TimeSpan.Zero, TimeSpan.FromSeconds(5)));
        Assert.True(RecommendationRefresher.Due(RecommendationRefresher.Backlog, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_backlog_that_never_ends_defers_a_round_at_most_the_bound()
    {
        var behind = TimeSpan.FromMinutes(30);
        Assert.False(RecommendationRefresher.Due(behind, RecommendationRefresher.MaxDeferral - TimeSpan.FromSeconds(1)));
        Assert.True(RecommendationRefresher.Due(behind, RecommendationRefresher.MaxDeferral));
    }
}
