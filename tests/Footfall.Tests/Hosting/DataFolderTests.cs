using System.Net.Http.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Hosting;

/// <summary>The data folder holds every event and the default secret key: only the server's user may read it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests
{
    private const UnixFileMode OthersBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static async Task StoreOneEventAsync(ServerProcess server)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Project-Id", server.DefaultProject().Id);
        (await http.PostAsJsonAsync("/v1/events", new { action = "page_view", guestId = "g", target = new { page = "/" } })).EnsureSuccessStatusCode();
    }

    private static void AssertPrivate(string data)
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        foreach (var name in new[] { "default-project.json", "footfall.duckdb" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, name)));
        // The log segment holds the event just acknowledged: it must exist for this check to mean anything.
        var segment = Assert.Single(Directory.GetFiles(Path.Combine(data, "log")), f => new FileInfo(f).Length > 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(segment));
        foreach (var entry in Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories))
            Assert.True((File.GetUnixFileMode(entry) & OthersBits) == 0, $"{entry} is {File.GetUnixFileMode(entry)}");
    }

    [Fact]
    public async Task Regression_DataFolderAndItsFilesWereWorldReadable_NowOwnerOnly()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "data");
        await using (var server = await ServerProcess.StartAsync(data))
        {
            await StoreOneEventAsync(server);
            AssertPrivate(data);
            Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        // A folder an older version left readable to everyone is narrowed at the next start.
        File.SetUnixFileMode(data, File.GetUnixFileMode(data) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var file in Directory.EnumerateFiles(data))
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using (var server = await ServerProcess.StartAsync(data))
        {
            await StoreOneEventAsync(server);
            AssertPrivate(data);
        }
    }
}
