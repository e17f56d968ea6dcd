using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Ingest;

/// <summary>A data folder written by main at a77fb6d (before the ingest log) opened by this version.</summary>
public sealed class UpgradeTests
{
    private static readonly string Fixture = RepositoryRoot.Combine("tests", "Footfall.Tests", "Fixtures", "main-a77fb6d", "duckdb");

    [Fact]
    public async Task Regression_KeysStoredBeforeTheLog_AreStillDuplicatesAfterTheUpgrade_AndResultsAreUnchanged()
    {
        using var data = new TempFolder();
        File.Copy(Path.Combine(Fixture, "default-project.json"), Path.Combine(data.Path, "default-project.json"));
        await using (var packed = new GZipStream(File.OpenRead(Path.Combine(Fixture, "footfall.duckdb.gz")), CompressionMode.Decompress))
        await using (var file = File.Create(Path.Combine(data.Path, "footfall.duckdb")))
            await packed.CopyToAsync(file);

        await using var server = await ServerProcess.StartAsync(data.Path);
        var (projectId, secret) = server.DefaultProject();
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        var results = await http.GetStringAsync("/v1/experiences/hero/results");
        Assert.Equal(
            JsonSerializer.Serialize(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixture, "expected", "results-hero.json")))),
            JsonSerializer.Serialize(JsonDocument.Parse(results)));

        // fx-0 was stored by the old version: a client retrying it now must not store it a second time.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = JsonContent.Create(new object[]
            {
                new { id = "fx-0", action = "product_view", guestId = "g0", target = new { product = "sku-1" } },
                new { id = "after-upgrade-1", action = "product_view", guestId = "g0", target = new { product = "sku-1" } },
            }),
        };
        request.Headers.Add("X-Project-Id", projectId);
        var answer = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, answer.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
    }
}
