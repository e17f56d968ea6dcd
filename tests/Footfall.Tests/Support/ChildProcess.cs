using System.Diagnostics;

namespace Footfall.Tests.Support;

/// <summary>A process run to its end, its output read whole; one that outlives its bound is killed and fails the test.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="info"/> (its output redirected here), with <paramref name="input"/> on its standard input;
    /// returns its exit code and what it printed on each stream.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info, TimeSpan bound, string? input = null)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = input is not null;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A process that hangs must not outlive its test (holding a data folder or a port).
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not exit within {bound}:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
