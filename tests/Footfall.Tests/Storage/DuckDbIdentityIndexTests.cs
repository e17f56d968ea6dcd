using System.Text;
using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>
/// The identity map's RocksDB index beside the DuckDB file (<see cref="IdentityIndex"/>): derived from idents, re-keyed
/// by links, emptied by erasure down to its files, and built for a folder written before it existed; with each
/// identifier's product touches, which a feed reads for one person.
/// </summary>
public sealed class DuckDbIdentityIndexTests
{
    private static readonly DateTime T = new(2026, 11, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_link_merging_two_persons_re_keys_the_index()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "f.duckdb");
        await using (var store = await OpenAsync(path, createProject: true))
        {
            await store.CommitAsync([Write(Event(guest: "g-a")), Write(Event(user: "u-b"))]);
            await store.CommitAsync([Write(Event(guest: "g-a", user: "u-b"))]);
        }

        using var index = IdentityIndex.Open(path + ".identities");
        var found = index.Find(1, ["g:g-a", "u:u-b"]);
        Assert.All(found, f => Assert.NotNull(f));
        var (guestId, guestPerson) = found[0]!.Value;
        var (userId, userPerson) = found[1]!.Value;
        Assert.Equal(guestPerson, userPerson);
        Assert.Equal([guestId, userId], index.Members(guestPerson).Select(m => m.Id).Order());
        // The absorbed person (a person's number is one of its identifiers' numbers) lists nobody any more.
        var absorbed = guestPerson == guestId ? userId : guestId;
        Assert.Empty(index.Members(absorbed));
    }

    [Fact]
    public async Task An_erased_person_is_gone_from_the_index_files_on_disk()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "f.duckdb");
        const string victim = "victim-7d41e";
        await using (var store = await OpenAsync(path, createProject: true))
            await store.CommitAsync([Write(Event(user: victim), Event(guest: "g-" + victim, user: victim, product: "sku-of-" + victim), Event(user: "other-2c9"))]);
        // Flushed at shutdown: the person's identifiers and touches are in the index's files (so the scan below can tell).
        Assert.NotEmpty(FilesHolding(path + ".identities", victim));

        await using (var store = await OpenAsync(path))
        {
            await store.ErasePersonAsync("p1", Identifier.User(victim));
            Assert.Null(await store.FindPersonAsync("p1", Identifier.Guest("g-" + victim)));
        }

        Assert.Empty(FilesHolding(path + ".identities", victim));
        await using var reopened = await OpenAsync(path);
        Assert.Null(await reopened.FindPersonAsync("p1", Identifier.User(victim)));
        Assert.Equal(1, (await reopened.FindPersonAsync("p1", Identifier.User("other-2c9")))!.EventCount);
    }

    [Fact]
    public async Task A_folder_written_before_the_index_builds_it_and_finds_every_identifier_s_person()
    {
        using var folder = new TempFolder();
        await MainA77fb6dFixture.UnpackDuckDbAsync(folder.Path);
        var path = Path.Combine(folder.Path, "footfall.duckdb");
        string projectId;
        var persons = new List<(string Key, long Person)>();
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            projectId = DuckDbEventStore.Scalar<string>(connection, "SELECT id FROM projects WHERE no = 1");
            using var reader = DuckDbEventStore.Query(connection, "SELECT key, person FROM idents WHERE project = 1");
            while (reader.Read())
                persons.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        Assert.NotEmpty(persons);
        Assert.False(Directory.Exists(path + ".identities"));

        await using var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();

        foreach (var group in persons.GroupBy(p => p.Person))
        {
            var expected = group.Select(p => p.Key).Order().ToList();
            foreach (var (key, _) in group)
            {
                var person = await store.FindPersonAsync(projectId, Identifier.FromKey(key));
                Assert.Equal(expected, person!.Identifiers.Select(i => i.Key).Order());
            }
        }
    }

    [Fact]
    public async Task Regression_IdentityIndexBehindTheCommitAtKill9_RestartAnswersTheMergedPerson()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            (await http.PostAsync("/v1/events", Json("""[{"action":"product_view","guestId":"g-k9","target":{"product":"sku-1"}}]"""))).EnsureSuccessStatusCode();
            (await http.PostAsync("/v1/events", Json("""[{"action":"product_view","userId":"u-k9","target":{"product":"sku-2"}}]"""))).EnsureSuccessStatusCode();
            (await http.PostAsync("/v1/events", Json("""[{"action":"signup","userId":"u-k9","guestId":"g-k9"}]"""))).EnsureSuccessStatusCode();
        }
        using (var reader = Reader(server, secret))
            await AssertEventCountAsync(reader, "guestId=g-k9", 3);
        // The index is flushed only every 50,000 persons and at shutdown: its files are still at the generation before
        // these commits, as a crash between DuckDB's commit and the index write leaves them.
        await using var restarted = await RestartAfterKillAsync(server, data.Path);
        Assert.Contains("re-derived", restarted.Output, StringComparison.Ordinal);
        using var read = Reader(restarted, secret);
        foreach (var who in new[] { "guestId=g-k9", "userId=u-k9" })
        {
            var person = await PersonAsync(read, who);
            Assert.Equal(3, person.GetProperty("eventCount").GetInt32());
            Assert.Equal(["g-k9", "u-k9"], person.GetProperty("identifiers").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order());
        }
        // The writer resolves the guest through the index too: a new event of the guest is the merged person's.
        using (var http = restarted.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            (await http.PostAsync("/v1/events", Json("""[{"action":"product_view","guestId":"g-k9","target":{"product":"sku-3"}}]"""))).EnsureSuccessStatusCode();
        }
        await AssertEventCountAsync(read, "userId=u-k9", 4);

        // The product touches written with those commits were lost too, and put again from product_touches at the restart.
        Assert.Contains("product touches past seq", restarted.Output, StringComparison.Ordinal);
        Assert.Equal(0, await restarted.TerminateAsync(TimeSpan.FromMinutes(1)));
        using var index = IdentityIndex.Open(Path.Combine(data.Path, "footfall.duckdb.identities"));
        var members = index.Members(index.Find(1, ["u:u-k9"])[0]!.Value.Person);
        Assert.Equal(["sku-1", "sku-2", "sku-3"], index.Touches(members.Select(m => m.Id)).Select(t => t.Item).Order());
    }

    [Fact]
    public async Task A_kill_9_right_after_an_erasure_leaves_none_of_the_erased_rows_in_the_index_files()
    {
        using var data = new TempFolder();
        const string gone = "gone-8f3a1";
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            var (projectId, secret) = server.DefaultProject();
            using var http = server.Client();
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            (await http.PostAsync("/v1/events", Json($$$"""
                [{"action":"product_view","guestId":"g-{{{gone}}}","target":{"product":"sku-of-{{{gone}}}"}},
                 {"action":"impression","guestId":"g-{{{gone}}}","experience":"exp1","variant":"0"},
                 {"action":"product_view","guestId":"g-kept","target":{"product":"sku-kept"}}]
                """))).EnsureSuccessStatusCode();
            using var reader = Reader(server, secret);
            await AssertEventCountAsync(reader, "guestId=g-kept", 1);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromMinutes(1)));
        }
        // The clean shutdown flushed the touches and the impression into the index's files.
        Assert.NotEmpty(FilesHolding(Path.Combine(data.Path, "footfall.duckdb.identities"), gone));
        long goneId;
        using (var index = IdentityIndex.Open(Path.Combine(data.Path, "footfall.duckdb.identities")))
        {
            goneId = index.Find(1, [$"g:g-{gone}"])[0]!.Value.Id;
            Assert.Single(index.ResultRows([goneId]).Exposures);
        }

        var restarted = await ServerProcess.StartAsync(data.Path);
        var secretKey = restarted.DefaultProject().SecretKey;
        using (var reader = Reader(restarted, secretKey))
            (await reader.DeleteAsync($"/v1/people?guestId=g-{gone}")).EnsureSuccessStatusCode();
        // The erasure's deletes in the index are not flushed yet (no WAL): killed now, the files still hold the touches.
        restarted.Kill();
        await restarted.DisposeAsync();

        // The next start finds the erased person in ident_log, deletes its identifiers' touches, and compacts the files.
        await using (var again = await ServerProcess.StartAsync(data.Path))
        {
            using var reader = Reader(again, secretKey);
            await AssertEventCountAsync(reader, "guestId=g-kept", 1);
            Assert.Equal(0, await again.TerminateAsync(TimeSpan.FromMinutes(1)));
        }
        Assert.Empty(FilesHolding(Path.Combine(data.Path, "footfall.duckdb.identities"), gone));
        using var reopened = IdentityIndex.Open(Path.Combine(data.Path, "footfall.duckdb.identities"));
        var kept = reopened.Find(1, ["g:g-kept"])[0]!.Value;
        Assert.Equal(["sku-kept"], reopened.Touches([kept.Id]).Select(t => t.Item));
        Assert.Empty(reopened.ResultRows([goneId]).Exposures);
    }

    [Fact]
    public async Task Regression_ImpressionsLostFromTheIndexAtKill9_AreCaughtUpSoALaterPurchaseIsAttributed()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using (var reader = Reader(server, secret))
        {
            await DefineExperienceAsync(reader);
            await TrackAsync(server, projectId, """[{"action":"impression","guestId":"g-seen","experience":"exp1","variant":"1","time":"2026-11-01T10:00:00Z"}]""");
            Assert.Equal(1, (await VariantAsync(reader, "1")).GetProperty("impressions").GetInt64());
        }
        // Not flushed yet: the index's files lack the impression, as a crash right after its commit leaves them.
        await using var restarted = await RestartAfterKillAsync(server, data.Path);
        Assert.Contains("impressions and metric events past seq", restarted.Output, StringComparison.Ordinal);
        // The purchase's rollup refresh reads the person's impressions from the index: it must hold the one before the crash.
        await TrackAsync(restarted, projectId, """[{"action":"purchase","guestId":"g-seen","time":"2026-11-02T10:00:00Z"}]""");
        using var read = Reader(restarted, secret);
        Assert.Equal(1, (await VariantAsync(read, "1")).GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());
    }

    [Fact]
    public async Task Regression_AMetricsBackFillLostFromTheIndexAtKill9_ItsEventsStillConvertALaterImpression()
    {
        using var data = new TempFolder();
        string projectId, secret;
        // A purchase stored before any experience counts purchases; the clean shutdown makes the index durable past it.
        await using (var server = await ServerProcess.StartAsync(data.Path))
        {
            (projectId, secret) = server.DefaultProject();
            await TrackAsync(server, projectId, """[{"action":"purchase","guestId":"g-early","time":"2026-11-02T10:00:00Z"}]""");
            using var reader = Reader(server, secret);
            await AssertEventCountAsync(reader, "guestId=g-early", 1);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromMinutes(1)));
        }
        // Saving the experience back-fills the stored purchases below the index's position, where no catch-up looks.
        var again = await ServerProcess.StartAsync(data.Path);
        using (var reader = Reader(again, secret))
            await DefineExperienceAsync(reader);
        await using var restarted = await RestartAfterKillAsync(again, data.Path);
        // An impression before the purchase, arriving late: its refresh finds the purchase in the index.
        await TrackAsync(restarted, projectId, """[{"action":"impression","guestId":"g-early","experience":"exp1","variant":"0","time":"2026-11-01T10:00:00Z"}]""");
        using var read = Reader(restarted, secret);
        Assert.Equal(1, (await VariantAsync(read, "0")).GetProperty("metrics").GetProperty("purchase").GetProperty("conversions").GetInt64());
    }

    /// <summary>
    /// An erasure deletes a person's rows by the event seqs the index holds (DuckDbEventStore.ErasePersonAsync). A folder
    /// whose index holds none (here one written before the index) gets every event's seq at its first start; the
    /// erasure then leaves none of the person's rows, deleting them by seqs in one transaction or, past
    /// ErasureChunkRows, a chunk at a time (one or two events a chunk here).
    /// </summary>
    [Theory]
    [InlineData(4_000)]
    [InlineData(2)]
    [InlineData(1)]
    public async Task A_folder_written_before_event_seqs_were_indexed_erases_every_event_of_a_person(int chunkRows)
    {
        using var folder = new TempFolder();
        await MainA77fb6dFixture.UnpackDuckDbAsync(folder.Path);
        var path = Path.Combine(folder.Path, "footfall.duckdb");
        string projectId, key;
        long person, events;
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            projectId = DuckDbEventStore.Scalar<string>(connection, "SELECT id FROM projects WHERE no = 1");
            using (var reader = DuckDbEventStore.Query(connection, """
                SELECT i.key, i.person FROM events e JOIN idents i ON i.id = e.ident WHERE i.project = 1
                GROUP BY ALL ORDER BY count(*) DESC, i.key LIMIT 1
                """))
            {
                Assert.True(reader.Read());
                (key, person) = (reader.GetString(0), reader.GetInt64(1));
            }
            events = DuckDbEventStore.Scalar<long>(connection, "SELECT count(*) FROM events WHERE ident IN (SELECT id FROM idents WHERE person = $p)", ("p", person));
        }
        Assert.True(events > 1);
        var ids = new List<long>();
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var reader = DuckDbEventStore.Query(connection, "SELECT id FROM idents WHERE person = $p", ("p", person));
            while (reader.Read())
                ids.Add(reader.GetInt64(0));
        }

        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance) { ErasureChunkRows = chunkRows })
        {
            await store.InitializeAsync();
            Assert.Equal(events, await store.ErasePersonAsync(projectId, Identifier.FromKey(key)));
        }

        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            foreach (var table in new[] { "events", "product_touches", "metric_events", "exposures" })
                Assert.Equal(0L, DuckDbEventStore.Scalar<long>(connection, $"SELECT count(*) FROM {table} WHERE ident IN (SELECT unnest($ids))", ("ids", ids)));
        }
    }

    [Fact]
    public async Task Regression_EventSeqsLostFromTheIndexAtKill9_AreCaughtUpSoAnErasureLeavesNoEvent()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        // Events no other part of the index keeps (no product, impression or metric).
        await TrackAsync(server, projectId, """
            [{"action":"page_view","guestId":"g-gone","target":{"page":"/p"},"time":"2026-11-01T10:00:00Z"},
             {"action":"search","guestId":"g-gone","target":{"query":"q"},"time":"2026-11-01T10:01:00Z"}]
            """);
        using (var reader = Reader(server, secret))
            await AssertEventCountAsync(reader, "guestId=g-gone", 2);
        // Not flushed yet: the index's files lack the events' seqs, as a crash right after their commit leaves them.
        await using var restarted = await RestartAfterKillAsync(server, data.Path);
        Assert.Contains("event seqs past seq", restarted.Output, StringComparison.Ordinal);
        using var read = Reader(restarted, secret);
        var erased = (await read.DeleteAsync("/v1/people?guestId=g-gone")).EnsureSuccessStatusCode();
        var answer = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(erased.Content);
        Assert.Equal(2, answer.GetProperty("erasedEvents").GetInt64());
    }

    // A kill -9 of the server, then a start on the same folder.
    private static async Task<ServerProcess> RestartAfterKillAsync(ServerProcess server, string data)
    {
        server.Kill();
        await server.DisposeAsync();
        return await ServerProcess.StartAsync(data);
    }

    private static async Task DefineExperienceAsync(HttpClient reader) =>
        (await reader.PutAsync("/v1/experiences/exp1", Json("""
            {"name":"Button","variants":[{"shortUid":"0","weight":50},{"shortUid":"1","weight":50}],"metrics":["purchase"],"attributionDays":7}
            """))).EnsureSuccessStatusCode();

    private static async Task TrackAsync(ServerProcess server, string projectId, string body)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
        (await http.PostAsync("/v1/events", Json(body))).EnsureSuccessStatusCode();
    }

    private static async Task<System.Text.Json.JsonElement> VariantAsync(HttpClient reader, string variant)
    {
        var answer = (await reader.GetAsync("/v1/experiences/exp1/results")).EnsureSuccessStatusCode();
        var results = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(answer.Content);
        return results.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == variant);
    }

    private static async Task<DuckDbEventStore> OpenAsync(string path, bool createProject = false)
    {
        var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        if (createProject)
            await store.CreateProjectAsync(new Project("p1", "shop", "h", T));
        return store;
    }

    private static TrackedEvent Event(string? guest = null, string? user = null, string? product = null) =>
        new()
        {
            Action = "product_view", Time = T, ReceivedAt = T, GuestId = guest, UserId = user,
            Target = product is null ? null : new Dictionary<string, string> { ["product"] = product },
        };

    private static ProjectWrite Write(params TrackedEvent[] events) => new("p1", events, [], []);

    private static List<string> FilesHolding(string folder, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => File.ReadAllBytes(file).AsSpan().IndexOf(bytes) >= 0).ToList();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpClient Reader(ServerProcess server, string secret)
    {
        var reader = server.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        return reader;
    }

    private static async Task<System.Text.Json.JsonElement> PersonAsync(HttpClient reader, string who)
    {
        var answer = (await reader.GetAsync($"/v1/people?{who}")).EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(answer.Content)).GetProperty("person");
    }

    // A read waits for the applier to pass what was durable when it began, so it sees every acknowledged event.
    private static async Task AssertEventCountAsync(HttpClient reader, string who, int count) =>
        Assert.Equal(count, (await PersonAsync(reader, who)).GetProperty("eventCount").GetInt32());
}
