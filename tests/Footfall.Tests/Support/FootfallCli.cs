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
        var info = new ProcessStartInfo("dotnet");
        info.ArgumentList.Add(ServerProcess.ServerAssembly);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(2), input);
        return (exitCode, stdout + stderr);
    }
}
