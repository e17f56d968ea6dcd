using System.Diagnostics;

namespace Footfall.Browser.Tests;

/// <summary>
/// The TypeScript side of the suite: the browser SDK's unit tests (node's test runner) and the formatting check of
/// the SDK and the dashboard, so that `dotnet test` is the whole suite.
/// </summary>
public sealed class ScriptChecks
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task Sdk_unit_tests_pass()
    {
        var (code, output) = await NpmAsync("sdk/js", "test");
        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^ℹ fail 0$", output);
    }

    [Theory]
    [InlineData("sdk/js")]
    [InlineData("dashboard")]
    public async Task TypeScript_is_formatted(string folder)
    {
        var (code, output) = await NpmAsync(folder, "format:check");
        Assert.True(code == 0, $"run `npm run format` in {folder}:\n{output}");
    }

    private static async Task<(int Code, string Output)> NpmAsync(string folder, string script)
    {
        var info = new ProcessStartInfo("npm", ["run", "--silent", script])
        {
            WorkingDirectory = Path.Combine(Root, folder),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Footfall.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Footfall.sln not found above " + AppContext.BaseDirectory);
    }
}
