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
}
