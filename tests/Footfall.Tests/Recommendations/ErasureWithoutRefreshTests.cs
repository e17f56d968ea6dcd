using Footfall.Recommendations;
using Footfall.Storage;
using Footfall.Storage.Deadlines;
using Footfall.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Footfall.Tests.Recommendations.Recs;

namespace Footfall.Tests.Recommendations;

/// <summary>
/// Erasure takes the person out of the recommendation models itself: it neither waits on a model refresh nor fails
/// with one, and a refresh that read the store before the erasure never brings the person back. A refresh in flight
/// gives way to an erasure while the model serving is younger than <see cref="RecommendationModels.PreemptibleFor"/>.
/// </summary>
public sealed class ErasureWithoutRefreshTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FootfallFactory _factory = new();
    // Real time until a test moves it: the events' times are the machine's.
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private SlowInteractionSource _control = null!;

    public ErasureWithoutRefreshTests()
    {
        _factory.Settings["Recommendations:RefreshSeconds"] = "0";
        _factory.TestServices = services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(_clock);
            services.RemoveAll<IInteractionSource>();
            services.AddSingleton<IInteractionSource>(sp => _control = new SlowInteractionSource(
                new DeadlineInteractionSource(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<StoreDeadline>())));
        };
    }

    [Fact]
    public async Task Regression_ErasureWaitedOnFullModelRebuild_AnswersWhileARefreshHangs()
    {
        var project = await SeedAsync();
        var held = new TaskCompletionSource();
        _control.Gate = held.Task;
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        // A refresh reads the store before the erasure, then hangs before it can swap its model in. The model serving is
        // too old for the erasure to cancel the refresh.
        _clock.Advance(RecommendationModels.PreemptibleFor);
        var refresh = models.RefreshAsync(project.Id);

        using var http = project.Reader();
        var erase = await http.DeleteAsync("/v1/people?guestId=erase-me").WaitAsync(Patience);
        erase.EnsureSuccessStatusCode();
        Assert.False(refresh.IsCompleted);
        await AssertErasedPersonNotServedAsync(project);

        // The held refresh finishes with the person still in what it read: they must not come back.
        held.SetResult();
        await refresh.WaitAsync(Patience);
        await AssertErasedPersonNotServedAsync(project);
    }

    [Fact]
    public async Task An_erasure_cancels_a_refresh_in_flight_and_the_next_round_reads_the_store_again()
    {
        var project = await SeedAsync();
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        var (serving, refresh) = await HoldARefreshAsync(project);

        await EraseAsync(project);
        // It gave way without failing and without swapping in what it read; the erasure updated the model serving.
        var left = await refresh.WaitAsync(Patience);
        Assert.Same(serving, left);
        Assert.NotSame(serving, await models.GetAsync(project.Id));
        await AssertErasedPersonNotServedAsync(project);

        _control.Gate = null;
        var next = await models.RefreshAsync(project.Id).WaitAsync(Patience);
        Assert.NotSame(left, next);
        await AssertErasedPersonNotServedAsync(project);
    }

    [Fact]
    public async Task Regression_AnErasureWaitedForAnotherProjectsRefresh_ThatRefreshGivesWayToo()
    {
        // The DuckDB store's count lock is one for all projects: a refresh of another project held it, and both cores,
        // while the erasure waited (only the erased person's own project's refresh was cancelled).
        var project = await SeedAsync();
        var other = await SeedAsync();
        var (othersModel, refresh) = await HoldARefreshAsync(other);

        await EraseAsync(project);
        Assert.Same(othersModel, await refresh.WaitAsync(Patience));
        await AssertErasedPersonNotServedAsync(project);
        // The other project's person is theirs to erase: still served there.
        Assert.Equal(["common", "secret"], Ids(await other.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
    }

    [Fact]
    public async Task Regression_ErasureFailedWithModelRebuild_AnswersWhenRefreshFails()
    {
        var project = await SeedAsync();
        _control.Gate = Task.FromException(new InvalidOperationException("the refresh's store read failed"));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _factory.Services.GetRequiredService<RecommendationModels>().RefreshAsync(project.Id));

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?userId=erased-user").WaitAsync(Patience)).EnsureSuccessStatusCode();
        await AssertErasedPersonNotServedAsync(project);
    }

    [Fact]
    public async Task Regression_AFailedRecountKeptTheErasedPersonsCoVisitsUntilTheNextRefresh_TheModelIsBuiltAgain()
    {
        var project = await SeedAsync();
        // The store erases the person, then the model's recount of what they touched fails (at 100M events it can
        // outlast the client, whose disconnect cancels it): the answer was a 5xx and the model kept their co-visits.
        _control.CoVisitsGate = Task.FromException(new TimeoutException("the recount's store read timed out"));

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?userId=erased-user").WaitAsync(Patience)).EnsureSuccessStatusCode();
        _control.CoVisitsGate = null;
        await AssertErasedPersonNotServedAsync(project);
    }

    // A refresh of the project that read the store and holds on (at 100M events: 6-8 s of both cores and the count
    // lock), with the model serving when it started.
    private async Task<(WindowModel Serving, Task<WindowModel> Refresh)> HoldARefreshAsync(TestProject project)
    {
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        var serving = await models.GetAsync(project.Id);
        _control.Gate = new TaskCompletionSource().Task;
        return (serving, models.RefreshAsync(project.Id));
    }

    private static async Task EraseAsync(TestProject project)
    {
        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?guestId=erase-me").WaitAsync(Patience)).EnsureSuccessStatusCode();
    }

    private async Task<TestProject> SeedAsync()
    {
        var project = await _factory.CreateProjectAsync();
        await project.TrackAsync(
            View("erase-me", "secret", Hours(2), session: "s1"), View("erase-me", "common", Hours(2), session: "s1"),
            Buy("erase-me", "pantry", Days(20)), Buy("erase-me", "pantry", Days(10)),
            View("stays", "common", Hours(1), session: "s2"), View("stays", "other", Hours(1), session: "s2"),
            new { action = "login", userId = "erased-user", guestId = "erase-me" });
        // The refresh reads the store, which takes acknowledged events behind the log; a read under /v1 would wait.
        await _factory.WaitAppliedAsync();
        await _factory.Services.GetRequiredService<RecommendationModels>().RefreshAsync(project.Id);
        Assert.Equal(["common", "secret"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
        Assert.Contains("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        return project;
    }

    private static async Task AssertErasedPersonNotServedAsync(TestProject project)
    {
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=erase-me")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?userId=erased-user")));
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.Equal(["other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        // Someone else's history is untouched.
        Assert.Equal(["other", "common"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=stays")));
    }

    public void Dispose() => _factory.Dispose();
}
