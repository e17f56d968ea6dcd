using System.Diagnostics;

namespace Footfall.Tests.Support;

/// <summary>The <c>footfall</c> command run as an operator runs it: a real process, its output and exit code.</summary>
public static class FootfallCli
{
    /// <summary>Runs <c>footfall ARGS</c>; returns its exit code and what it printed (stdout, then stderr).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs <c>footfall ARGS</c> with <paramref name="input"/> on its standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(string? input, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerProcess.ServerAssembly);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that hangs must not outlive its test holding the data folder.
            process.Kill(entireProcessTree: true);
            Assert.Fail($"footfall {string.Join(' ', args)} did not exit within 2 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
