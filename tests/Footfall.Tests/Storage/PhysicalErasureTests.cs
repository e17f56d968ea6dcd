using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Storage;

/// <summary>
/// CONTRACT §4: once an erasure has answered and the server has shut down cleanly (SIGTERM), no file of the data
/// folder holds any identifier or payload of the person, and everyone else's data is all there.
/// </summary>
public sealed class PhysicalErasureTests
{
    private static readonly TimeSpan Shutdown = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Regression_ErasedPersonStayedInDuckDbFile_NoByteRemainsAfterCleanShutdown()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        await ErasureScenario.SeedAsync(server, projectId);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        // The scan sees the person while they are stored, so it can tell.
        Assert.Equal(ErasureScenario.VictimStrings.Order(),
            ErasureScenario.FindVictimBytes(data.Path).Select(f => f.Split(" in ")[0]).Distinct().Order());

        server = await ServerProcess.StartAsync(data.Path);
        await ErasureScenario.EraseAsync(server, secret);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        Assert.Empty(ErasureScenario.FindVictimBytes(data.Path));

        await using var restarted = await ServerProcess.StartAsync(data.Path);
        await ErasureScenario.AssertOnlyVictimGoneAsync(restarted, secret);
    }

    [Fact]
    public async Task A_person_with_more_events_than_one_erasure_chunk_leaves_no_byte_after_clean_shutdown()
    {
        // Past 4,000 events the store deletes a person's rows a chunk at a time before the erasure's transaction
        // (DuckDbEventStore.DeleteInChunks): every chunk goes, and the compaction at shutdown takes their bytes.
        const string guest = "many-events-guest-2d8e";
        const string label = "many-events-label-61fa";
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using (var http = server.Client())
        {
            http.DefaultRequestHeaders.Add("X-Project-Id", projectId);
            var start = DateTime.UtcNow.AddDays(-20);
            for (var batch = 0; batch < 5; batch++)
            {
                var events = Enumerable.Range(batch * 1000, 1000).Select(i => new
                {
                    action = "product_view", guestId = guest, label, target = new { product = $"sku-{i % 40}" },
                    time = start.AddMinutes(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                });
                (await http.PostAsJsonAsync("/v1/events", events)).EnsureSuccessStatusCode();
            }
            (await http.PostAsJsonAsync("/v1/events", new[] { new { action = "signup", userId = ErasureScenario.OtherUser, label = "Other label" } }))
                .EnsureSuccessStatusCode();
        }
        using (var reader = ErasureScenario.Reader(server, secret))
        {
            var erased = await (await reader.DeleteAsync($"/v1/people?guestId={guest}")).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(5000, erased.GetProperty("erasedEvents").GetInt64());
        }
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        Assert.False(Contains(data.Path, guest));
        Assert.False(Contains(data.Path, label));

        await using var restarted = await ServerProcess.StartAsync(data.Path);
        using var read = ErasureScenario.Reader(restarted, secret);
        var other = await read.GetFromJsonAsync<JsonElement>($"/v1/people/activity?userId={ErasureScenario.OtherUser}");
        Assert.Equal("Other label", Assert.Single(other.GetProperty("events").EnumerateArray()).GetProperty("label").GetString());
    }

    [Fact]
    public async Task Erasure_a_crash_interrupted_is_made_physical_at_the_next_start()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        await ErasureScenario.SeedAsync(server, projectId);
        await ErasureScenario.EraseAsync(server, secret);
        server.Kill();
        await server.DisposeAsync();

        server = await ServerProcess.StartAsync(data.Path);
        await ErasureScenario.AssertOnlyVictimGoneAsync(server, secret);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        Assert.Empty(ErasureScenario.FindVictimBytes(data.Path));
    }

    [Fact]
    public async Task Regression_SpillFilesOfAKilledRunStayedForGood_TheNextStartRemovesThem()
    {
        using var data = new TempFolder();
        var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        await ErasureScenario.SeedAsync(server, projectId);
        server.Kill();
        await server.DisposeAsync();
        // What DuckDB leaves in its temp directory when the process dies mid-spill (here: a model refresh's visit
        // rows, which name persons), written as a file of the same name because a spill cannot be timed from a test.
        var spill = Path.Combine(data.Path, "footfall.duckdb.tmp", "duckdb_temp_storage_DEFAULT-0.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(spill)!);
        await File.WriteAllTextAsync(spill, string.Join('\0', ErasureScenario.VictimStrings));

        server = await ServerProcess.StartAsync(data.Path);
        Assert.False(File.Exists(spill));
        await ErasureScenario.EraseAsync(server, secret);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        Assert.Empty(ErasureScenario.FindVictimBytes(data.Path));
    }

    [Fact]
    public async Task A_file_from_before_physical_erasure_loses_what_was_erased_then_at_its_first_clean_shutdown()
    {
        using var data = new TempFolder();
        // main at a77fb6d erased the person of guest g8 (user erase-me) and left their identifier in the file.
        var fixture = RepositoryRoot.Combine("tests", "Footfall.Tests", "Fixtures", "main-a77fb6d", "duckdb");
        File.Copy(Path.Combine(fixture, "default-project.json"), Path.Combine(data.Path, "default-project.json"));
        await using (var packed = new GZipStream(File.OpenRead(Path.Combine(fixture, "footfall.duckdb.gz")), CompressionMode.Decompress))
        await using (var file = File.Create(Path.Combine(data.Path, "footfall.duckdb")))
            await packed.CopyToAsync(file);
        Assert.True(Contains(data.Path, "erase-me"));

        var server = await ServerProcess.StartAsync(data.Path);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        Assert.False(Contains(data.Path, "erase-me"));

        await using var restarted = await ServerProcess.StartAsync(data.Path);
        using var reader = restarted.Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", restarted.DefaultProject().SecretKey);
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture, "expected", "activity-userId=u7.json")));
        var activity = await reader.GetFromJsonAsync<JsonElement>("/v1/people/activity?userId=u7&limit=1000");
        Assert.Equal(expected.RootElement.GetProperty("events").GetArrayLength(), activity.GetProperty("events").GetArrayLength());
    }

    private static bool Contains(string folder, string text) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Any(f => File.ReadAllBytes(f).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0);
}
