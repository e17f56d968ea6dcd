using Footfall.Tests.Support;

namespace Footfall.Tests.Faults;

public sealed class DataFolderTests
{
    [Fact]
    public async Task Regression_SecondServerOnTheSameDataFolder_CrashedWithSigabrt_RefusesWithOneLineAndExitCode2()
    {
        using var data = new TempFolder();
        await using var first = await ServerProcess.StartAsync(data.Path);

        var (exitCode, stderr) = await ServerProcess.RunToExitAsync(data.Path);

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("in use by another Footfall server", lines[0]);
        // The first server is untouched.
        using var http = first.Client();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task The_data_folder_is_free_again_once_its_server_was_killed()
    {
        using var data = new TempFolder();
        var first = await ServerProcess.StartAsync(data.Path);
        first.Kill();
        await first.DisposeAsync();
        await using var second = await ServerProcess.StartAsync(data.Path);
        Assert.False(second.HasExited);
    }
}
