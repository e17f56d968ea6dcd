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
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        await models.RecountedAsync(project.Id).WaitAsync(Patience);
        _control.CoVisitsGate = null;
        // The recount failed: the model was dropped, and the next feed request built one from the store.
        var builds = _control.WindowReads;
        await AssertErasedPersonNotServedAsync(project);
        Assert.Equal(builds + 1, _control.WindowReads);

        // A failed recount does not stop the project's later ones.
        await TrackAndRefreshAsync(project, View("stays", "common", Hours(1), session: "s6"), View("stays", "later", Hours(1), session: "s6"),
            View("erase-later", "later", Hours(1), session: "s7"), View("erase-later", "common", Hours(1), session: "s7"));
        var reads = _control.CoVisitsReads;
        (await http.DeleteAsync("/v1/people?guestId=erase-later").WaitAsync(Patience)).EnsureSuccessStatusCode();
        await models.RecountedAsync(project.Id).WaitAsync(Patience);
        Assert.Equal(reads + 1, _control.CoVisitsReads);
        Assert.Contains("later", Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
    }

    [Fact]
    public async Task An_erasure_answers_before_its_recount_with_what_the_person_touched_hidden_until_then()
    {
        var project = await SeedAsync();
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        // The most active person's recount took 2.2-2.5 s of a 4.1-4.7 s erasure at 100M events; held here.
        var recount = new TaskCompletionSource();
        _control.CoVisitsGate = recount.Task;

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?guestId=erase-me").WaitAsync(Patience)).EnsureSuccessStatusCode();
        Assert.False(models.RecountedAsync(project.Id).IsCompleted);
        // "common", which they saw, has no neighbours and is no item's neighbour until the recount: each of its scores
        // counts their visit (its reach does).
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=other")));
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.DoesNotContain("common", Ids(await project.GetAsync("/v1/recommendations/trending")));

        recount.SetResult();
        await models.RecountedAsync(project.Id).WaitAsync(Patience);
        Assert.Equal(["other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        Assert.Equal(["common"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=other")));
        Assert.Contains("common", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
    }

    [Fact]
    public async Task A_recount_that_read_before_a_later_erasure_keeps_that_erasure_hidden_until_its_own_recount()
    {
        var project = await SeedAsync(
            View("erase-too", "other", Hours(1), session: "s3"), View("erase-too", "third", Hours(1), session: "s3"),
            View("stays", "common", Hours(1), session: "s4"), View("stays", "extra", Hours(1), session: "s4"));
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        Assert.Contains("third", Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=other")));
        var first = new TaskCompletionSource();
        _control.CoVisitsGate = first.Task;
        var firstRead = _control.CoVisitsRead;

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?guestId=erase-me").WaitAsync(Patience)).EnsureSuccessStatusCode();
        var firstRecount = models.RecountedAsync(project.Id);
        // The first recount's store read ran, with the second person in it; the second erasure answers before the first
        // recount swaps its model in.
        await firstRead.WaitAsync(Patience);
        (await http.DeleteAsync("/v1/people?guestId=erase-too").WaitAsync(Patience)).EnsureSuccessStatusCode();
        var second = new TaskCompletionSource();
        _control.CoVisitsGate = second.Task;
        var secondRead = _control.CoVisitsRead;
        first.SetResult();
        // The second erasure's recount follows the first's swap, and waits at its gate after its read.
        await secondRead.WaitAsync(Patience);
        Assert.True(firstRecount.IsCompleted);

        // Recounted without the first person ("extra" comes back beside "common"), the second's items still hidden:
        // "other" and "third" are theirs to hide until their own recount, though the first recount read them without them.
        Assert.Equal(["extra"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=third")));
        Assert.DoesNotContain("third", Ids(await project.GetAsync("/v1/recommendations/trending")));
        Assert.False(models.RecountedAsync(project.Id).IsCompleted);

        second.SetResult();
        await models.RecountedAsync(project.Id).WaitAsync(Patience);
        Assert.Equal(["extra", "other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")).Order());
        Assert.Equal(["common"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=other")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=third")));
    }

    [Fact]
    public async Task Erasures_answered_while_a_recount_runs_are_recounted_together_after_it()
    {
        var project = await SeedAsync(
            View("erase-too", "other", Hours(1), session: "s3"), View("erase-too", "third", Hours(1), session: "s3"),
            View("erase-also", "third", Hours(1), session: "s5"), View("erase-also", "fourth", Hours(1), session: "s5"),
            View("stays", "common", Hours(1), session: "s4"), View("stays", "extra", Hours(1), session: "s4"));
        var models = _factory.Services.GetRequiredService<RecommendationModels>();
        var running = new TaskCompletionSource();
        _control.CoVisitsGate = running.Task;
        var read = _control.CoVisitsRead;

        using var http = project.Reader();
        (await http.DeleteAsync("/v1/people?guestId=erase-me").WaitAsync(Patience)).EnsureSuccessStatusCode();
        await read.WaitAsync(Patience);
        var readsBefore = _control.CoVisitsReads;
        (await http.DeleteAsync("/v1/people?guestId=erase-too").WaitAsync(Patience)).EnsureSuccessStatusCode();
        (await http.DeleteAsync("/v1/people?guestId=erase-also").WaitAsync(Patience)).EnsureSuccessStatusCode();
        _control.CoVisitsGate = null;
        running.SetResult();
        await models.RecountedAsync(project.Id).WaitAsync(Patience);

        // One recount for the two answered while the first ran, not one each.
        Assert.Equal(readsBefore + 1, _control.CoVisitsReads);
        Assert.Equal(["extra", "other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")).Order());
        Assert.Equal(["common"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=other")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=third")));
        Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=fourth")));
        Assert.DoesNotContain("fourth", Ids(await project.GetAsync("/v1/recommendations/trending")));
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

    // The person to erase and one who stays, and any more events, with a model refreshed over them.
    private async Task<TestProject> SeedAsync(params object[] more)
    {
        var project = await _factory.CreateProjectAsync();
        await TrackAndRefreshAsync(project, [
            View("erase-me", "secret", Hours(2), session: "s1"), View("erase-me", "common", Hours(2), session: "s1"),
            Buy("erase-me", "pantry", Days(20)), Buy("erase-me", "pantry", Days(10)),
            View("stays", "common", Hours(1), session: "s2"), View("stays", "other", Hours(1), session: "s2"),
            new { action = "login", userId = "erased-user", guestId = "erase-me" }, .. more]);
        Assert.Equal(["common", "secret"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
        Assert.Contains("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
        return project;
    }

    private async Task TrackAndRefreshAsync(TestProject project, params object[] events)
    {
        await project.TrackAsync(events);
        // The refresh reads the store, which takes acknowledged events behind the log; a read under /v1 would wait.
        await _factory.WaitAppliedAsync();
        await _factory.Services.GetRequiredService<RecommendationModels>().RefreshAsync(project.Id);
    }

    // Nothing of theirs as soon as the erasure answered; once its recount behind the answer is done, what the models
    // give without them ("common" was seen with "other" by someone else).
    private async Task AssertErasedPersonNotServedAsync(TestProject project)
    {
        await AssertNothingOfTheirsAsync();
        await _factory.Services.GetRequiredService<RecommendationModels>().RecountedAsync(project.Id).WaitAsync(Patience);
        await AssertNothingOfTheirsAsync();
        Assert.Equal(["other"], Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));

        async Task AssertNothingOfTheirsAsync()
        {
            Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=erase-me")));
            Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/recently-viewed?userId=erased-user")));
            Assert.Empty(Ids(await project.GetAsync("/v1/recommendations/repeat-purchase?userId=erased-user")));
            Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/trending")));
            Assert.DoesNotContain("secret", Ids(await project.GetAsync("/v1/recommendations/also-viewed?item=common")));
            // Someone else's history is untouched.
            Assert.Equal(["other", "common"], Ids(await project.GetAsync("/v1/recommendations/recently-viewed?guestId=stays")));
        }
    }

    public void Dispose() => _factory.Dispose();
}
