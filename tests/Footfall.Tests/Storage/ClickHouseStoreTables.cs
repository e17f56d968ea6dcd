using Footfall.ClickHouse;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>What the tests of ClickHouse's derived tables share: one experience, a store opened on a database, events, raw SQL.</summary>
internal static class ClickHouseStoreTables
{
    public const string Project = "p1";
    public static readonly DateTime T0 = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    public static readonly ExperienceDefinition Experience = new()
    {
        ShortUid = "exp1",
        Variants = [new VariantDefinition("0", 50), new VariantDefinition("1", 50)],
        Metrics = [BuiltInActions.Purchase],
        AttributionDays = 30,
        CreatedAt = T0,
    };

    public static async Task<ClickHouseEventStore> OpenAsync(string connection)
    {
        var store = new ClickHouseEventStore(connection, NullLogger<ClickHouseEventStore>.Instance);
        await store.InitializeAsync();
        return store;
    }

    public static TrackedEvent Event(string action, DateTime time, string? user = null, string? guest = null, string? variant = null) => new()
    {
        Action = action,
        Time = time,
        ReceivedAt = time,
        UserId = user,
        GuestId = guest,
        Experience = variant is null ? null : Experience.ShortUid,
        Variant = variant,
        Target = action == BuiltInActions.Purchase ? new Dictionary<string, string> { ["product"] = "sku-1" } : null,
        Source = "native",
    };

    /// <summary>
    /// Runs <paramref name="sql"/> on the connection's database over ClickHouse's HTTP port, with <paramref name="settings"/>
    /// (<c>&amp;name=value</c>...) for the query; returns the answer's text.
    /// </summary>
    public static async Task<string> QueryAsync(ClickHouseServer server, string connection, string sql, string settings = "")
    {
        var database = DatabaseOf(connection);
        using var http = new HttpClient();
        var response = await http.PostAsync($"http://127.0.0.1:{server.HttpPort}/?database={database}{settings}", new StringContent(sql));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync()).Trim();
    }

    /// <summary>The database a connection string names.</summary>
    public static string DatabaseOf(string connection) =>
        connection.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
}
