using System.Globalization;
using Footfall.Tests.Support;

namespace Footfall.Tests.Storage;

/// <summary>
/// CONTRACT §4 on ClickHouse: after an erasure, the server's shutdown and ClickHouse's own cleanup of superseded
/// parts, no file of the ClickHouse server (data, <c>mutation_N.txt</c>, logs) holds the person's identifiers or
/// payload, and <c>system.mutations</c> names none of them.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHousePhysicalErasureTests(ClickHouseServer clickHouse)
{
    private static readonly TimeSpan Shutdown = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Regression_ErasureWroteIdentifiersIntoClickHouseMutations_NoByteRemains()
    {
        using var data = new TempFolder();
        var database = "erasure_" + Guid.NewGuid().ToString("N")[..12];
        string[] args = ["--store", "clickhouse", "--clickhouse", clickHouse.ConnectionString(database)];
        var server = await ServerProcess.StartAsync(data.Path, args);
        var (projectId, secret) = server.DefaultProject();
        await ErasureScenario.SeedAsync(server, projectId);
        // The scan sees the person while they are stored, so it can tell.
        Assert.Equal(ErasureScenario.VictimStrings.Order(),
            ErasureScenario.FindVictimBytes(clickHouse.Folder).Select(f => f.Split(" in ")[0]).Distinct().Order());

        await ErasureScenario.EraseAsync(server, secret);
        Assert.Equal(0, await server.TerminateAsync(Shutdown));
        await server.DisposeAsync();
        await WaitForSupersededPartsRemovedAsync(database);
        var mutations = await QueryAsync($"SELECT command FROM system.mutations WHERE database = '{database}' FORMAT TabSeparated");
        Assert.NotEmpty(mutations);
        Assert.DoesNotContain(ErasureScenario.VictimStrings, mutations.Contains);
        Assert.Empty(ErasureScenario.FindVictimBytes(clickHouse.Folder));
        Assert.Empty(ErasureScenario.FindVictimBytes(data.Path));

        await using var restarted = await ServerProcess.StartAsync(data.Path, args);
        await ErasureScenario.AssertOnlyVictimGoneAsync(restarted, secret);
    }

    // ClickHouse removes parts a mutation superseded in its own background cleanup (old_parts_lifetime, 1 s in the
    // test server's configuration); nothing here can trigger it, so this waits until it has happened.
    private Task WaitForSupersededPartsRemovedAsync(string database)
    {
        var sql = $"SELECT count() FROM system.parts WHERE database = '{database}' AND active = 0 FORMAT TabSeparated";
        return Poll.UntilAsync(async () => long.Parse((await QueryAsync(sql)).Trim(), CultureInfo.InvariantCulture) == 0,
            TimeSpan.FromSeconds(120), "ClickHouse did not remove the superseded parts in 120 s");
    }

    private async Task<string> QueryAsync(string sql)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{clickHouse.HttpPort}/?query={Uri.EscapeDataString(sql)}");
    }
}
