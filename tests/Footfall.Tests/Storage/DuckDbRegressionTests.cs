using DuckDB.NET.Data;
using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Projects;
using Footfall.Storage;
using Footfall.Storage.DuckDb;
using Footfall.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Footfall.Tests.Storage;

/// <summary>DuckDB store bugs the conformance suite found, each named and kept from coming back.</summary>
public sealed class DuckDbRegressionTests
{
    /// <summary>
    /// Bug: ExperienceTimelineAsync threw InvalidCastException (BigInteger is not IConvertible) as soon as any day
    /// had an impression, because DuckDB's sum() of integers returns HUGEINT.
    /// </summary>
    [Fact]
    public async Task Timeline_sum_is_hugeint_bug_does_not_throw()
    {
        using var folder = new TempFolder();
        await using var store = new DuckDbEventStore(Path.Combine(folder.Path, "f.duckdb"), NullLogger<DuckDbEventStore>.Instance);
        await store.InitializeAsync();
        var t = new DateTime(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc);
        await store.CreateProjectAsync(new Project("p1", "shop", "h", t));
        await store.CommitAsync([new ProjectWrite("p1", [new TrackedEvent
        {
            Action = BuiltInActions.Impression, Time = t, ReceivedAt = t, UserId = "u1", Experience = "e", Variant = "0",
        }], [], [])]);
        var days = await store.ExperienceTimelineAsync("p1", new ExperienceDefinition { ShortUid = "e", Metrics = ["buy"] }, "buy", TimeRange.All);
        Assert.Equal([new DailyVariantCounts(DateOnly.FromDateTime(t), "0", 1, 0)], days);
    }

    [Fact]
    public async Task Rejected_events_kept_before_their_identifiers_were_extracted_are_erased_by_their_body()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "f.duckdb");
        await using (var store = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance))
        {
            await store.InitializeAsync();
            await store.CreateProjectAsync(new Project("p1", "shop", "h", DateTime.UtcNow));
        }
        // Schema version 1's table and rows: no identifiers column.
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                ALTER TABLE rejected DROP COLUMN idents;
                DELETE FROM schema_versions WHERE version > 1;
                INSERT INTO rejected VALUES (1, TIMESTAMP '2024-03-10 12:00:00', 'native', 'bad', '{"userId":"\u0061lice"}'),
                                            (1, TIMESTAMP '2024-03-10 12:00:00', 'native', 'bad', '{"userId":"bob","phone":"+1-555"}');
                """;
            command.ExecuteNonQuery();
        }
        await using var reopened = new DuckDbEventStore(path, NullLogger<DuckDbEventStore>.Instance);
        await reopened.InitializeAsync();
        await reopened.ErasePersonAsync("p1", Identifier.User("alice"));
        await reopened.ErasePersonAsync("p1", Identifier.User("1"));
        Assert.Equal(["""{"userId":"bob","phone":"+1-555"}"""], (await reopened.GetRejectedAsync("p1", 10)).Select(r => r.Raw));
    }
}
