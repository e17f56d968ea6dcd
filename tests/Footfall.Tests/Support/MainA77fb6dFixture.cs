using System.IO.Compression;
using System.Text.Json;

namespace Footfall.Tests.Support;

/// <summary>
/// The data written by main at a77fb6d, schema version 1 (tests/Footfall.Tests/Fixtures/main-a77fb6d, see its README):
/// unpacks it into a data folder or a ClickHouse database, and checks a server's answers against what that version gave.
/// </summary>
public static class MainA77fb6dFixture
{
    private static readonly string Root = RepositoryRoot.Combine("tests", "Footfall.Tests", "Fixtures", "main-a77fb6d");
    private static readonly string Expected = Path.Combine(Root, "duckdb", "expected");

    /// <summary>Copies the DuckDB data folder (database file and default project keys) into <paramref name="dataFolder"/>.</summary>
    public static async Task UnpackDuckDbAsync(string dataFolder)
    {
        File.Copy(Path.Combine(Root, "duckdb", "default-project.json"), Path.Combine(dataFolder, "default-project.json"));
        await using var packed = new GZipStream(File.OpenRead(Path.Combine(Root, "duckdb", "footfall.duckdb.gz")), CompressionMode.Decompress);
        await using var file = File.Create(Path.Combine(dataFolder, "footfall.duckdb"));
        await packed.CopyToAsync(file);
    }

    /// <summary>
    /// Creates <paramref name="database"/> on the ClickHouse at <paramref name="httpPort"/> with the tables and rows as
    /// that version left them, and puts its default project keys into <paramref name="dataFolder"/>.
    /// </summary>
    public static async Task LoadClickHouseAsync(int httpPort, string database, string dataFolder)
    {
        var folder = Path.Combine(Root, "clickhouse");
        File.Copy(Path.Combine(folder, "default-project.json"), Path.Combine(dataFolder, "default-project.json"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        async Task Post(string url, HttpContent body)
        {
            var answer = await http.PostAsync(url, body);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        }
        await Post("/", new StringContent($"CREATE DATABASE {database}"));
        foreach (var ddl in Directory.GetFiles(folder, "*.sql"))
        {
            await Post("/", new StringContent((await File.ReadAllTextAsync(ddl)).Replace("footfall.", database + ".", StringComparison.Ordinal)));
            var table = Path.GetFileNameWithoutExtension(ddl);
            await using var rows = new GZipStream(File.OpenRead(Path.ChangeExtension(ddl, ".tsv.gz")), CompressionMode.Decompress);
            await Post($"/?query={Uri.EscapeDataString($"INSERT INTO {database}.{table} FORMAT TabSeparated")}", new StreamContent(rows));
        }
    }

    /// <summary>
    /// Asks <paramref name="http"/> (authorised with the project's secret key) every question that version answered and
    /// compares. Fields added to an answer since are allowed; a person's identifiers are a set (their order is not part
    /// of the contract). The answers were recorded on the DuckDB data; <paramref name="differentInput"/> names those the
    /// other store's data cannot give because its run received different input.
    /// </summary>
    public static async Task AssertSameAnswersAsync(HttpClient http, params string[] differentInput)
    {
        var files = Directory.GetFiles(Expected, "*.json");
        Assert.Equal(21, files.Length);
        files = files.Where(f => !differentInput.Contains(Path.GetFileNameWithoutExtension(f))).ToArray();
        var differences = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var url = name switch
            {
                _ when name.StartsWith("activity-", StringComparison.Ordinal) => "/v1/people/activity?" + name["activity-".Length..],
                _ when name.StartsWith("person-", StringComparison.Ordinal) => "/v1/people?" + name["person-".Length..],
                "results-hero" => "/v1/experiences/hero/results",
                "results-hero-range" => "/v1/experiences/hero/results?from=2026-11-05T00:00:00Z&to=2026-11-15T00:00:00Z",
                "timeline-hero" => "/v1/experiences/hero/timeline?metric=product_purchase",
                "experiences" => "/v1/experiences",
                "rejected" => "/v1/rejected",
                _ => throw new InvalidOperationException($"no question for the expected answer {name}"),
            };
            using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            using var actual = JsonDocument.Parse(await (await http.GetAsync(url)).Content.ReadAsStringAsync());
            Compare(expected.RootElement, actual.RootElement, url, differences);
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind == JsonValueKind.Object && actual.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in expected.EnumerateObject())
            {
                if (!actual.TryGetProperty(property.Name, out var value))
                    differences.Add($"{path}: no '{property.Name}' in {actual}");
                else if (property.Name == "identifiers")
                    Compare(Sorted(property.Value), Sorted(value), path + ".identifiers", differences);
                else
                    Compare(property.Value, value, path + "." + property.Name, differences);
            }
        }
        else if (expected.ValueKind == JsonValueKind.Array && actual.ValueKind == JsonValueKind.Array)
        {
            if (expected.GetArrayLength() != actual.GetArrayLength())
                differences.Add($"{path}: {expected} but {actual}");
            else
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                    Compare(e, a, path, differences);
        }
        else if (MonteCarloTolerance(path) is { } tolerance && expected.ValueKind == JsonValueKind.Number && actual.ValueKind == JsonValueKind.Number)
        {
            if (Math.Abs(expected.GetDouble() - actual.GetDouble()) > tolerance)
                differences.Add($"{path}: {expected} but {actual}, more than {tolerance} apart");
        }
        else if (JsonSerializer.Serialize(expected) != JsonSerializer.Serialize(actual))
        {
            differences.Add($"{path}: {expected} but {actual}");
        }
    }

    // The expected answers were recorded when probabilities and intervals were 20,000-draw Monte-Carlo estimates; they are
    // exact now (BetaPosterior), so a recorded value may differ by the estimate's error: 4 standard errors, 0.0035 for a
    // probability, ~0.0013 for an interval end of these posteriors (the quantile's error, 0.019 deviations of ~0.07).
    private static double? MonteCarloTolerance(string path) =>
        path.EndsWith(".probabilityToBeBest", StringComparison.Ordinal) ? 4 * 0.0035
        : path.EndsWith(".credibleInterval", StringComparison.Ordinal) ? 4 * 0.0013
        : null;

    private static JsonElement Sorted(JsonElement array) =>
        JsonSerializer.SerializeToElement(array.EnumerateArray().Select(e => e.GetRawText()).Order(StringComparer.Ordinal).ToList());
}
