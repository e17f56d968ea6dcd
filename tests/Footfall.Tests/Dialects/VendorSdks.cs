using System.Diagnostics;
using System.Text.Json;
using Footfall.Tests.Support;

namespace Footfall.Tests.Dialects;

/// <summary>
/// Runs the node scripts in <c>tests/vendor-sdks</c>, which drive the real vendor SDKs from npm. The folder is found
/// from the repository root; its <c>node_modules</c> must have been installed with <c>npm ci</c> (CI does this).
/// </summary>
public static class VendorSdks
{
    /// <summary>The <c>tests/vendor-sdks</c> folder.</summary>
    public static string Folder => RepositoryRoot.Combine("tests", "vendor-sdks");

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> and parses what it printed; fails the test when it fails.</summary>
    public static async Task<JsonElement> RunAsync(string script, params string[] args)
    {
        var folder = Folder;
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@contentstack", "personalize-edge-sdk"))
            && Directory.Exists(Path.Combine(folder, "node_modules", "@attraqt", "activity")),
            $"The vendor SDKs are not installed: run `npm ci` in {folder} before these tests.");
        var info = new ProcessStartInfo("node") { WorkingDirectory = folder };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var (exitCode, output, stderr) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"node {script} exited with {exitCode}:\n{stderr}\n{output}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
