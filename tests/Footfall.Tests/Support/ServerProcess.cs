using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Footfall.Tests.Support;

/// <summary>
/// A real <c>footfall serve</c> process on a free loopback port, as an operator would run it: the built server
/// assembly started with <c>dotnet</c>. Killed (by PID) on dispose; <see cref="Kill"/> is <c>kill -9</c>. A test that
/// fails between a start and its dispose (one that kills and restarts its server holds it in a plain variable) leaves
/// the process running: every one still running is killed as the test host exits (they outlived their runs before).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly HashSet<Process> Running = [];

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
            }
        }
    };

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string url, string dataFolder)
    {
        _process = process;
        Url = url;
        DataFolder = dataFolder;
    }

    /// <summary>The base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; }

    /// <summary>The data folder.</summary>
    public string DataFolder { get; }

    /// <summary>The server's process id, e.g. to read its memory from <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>The path of the built server assembly next to the tests.</summary>
    public static string ServerAssembly => Path.Combine(AppContext.BaseDirectory, "footfall.dll");

    /// <summary>Starts a server on <paramref name="dataFolder"/> and waits for <c>/healthz</c>.</summary>
    /// <param name="port">A fixed port, e.g. to restart a server where its clients expect it; a free one by default.</param>
    public static async Task<ServerProcess> StartAsync(string dataFolder, IEnumerable<string>? extraArgs = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null, int? port = null)
    {
        if (port is not null)
            return await StartOnAsync(port.Value, dataFolder, extraArgs, environment, timeout);
        // A free port can be taken by a test beside this one before the server binds it; the server then refuses to
        // start (exit code 2, "address already in use") and another free port is tried.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(FreePort(), dataFolder, extraArgs, environment, timeout);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<ServerProcess> StartOnAsync(int port, string dataFolder, IEnumerable<string>? extraArgs,
        IDictionary<string, string>? environment, TimeSpan? timeout)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { ServerAssembly, "serve", "--urls", url, "--data", dataFolder }.Concat(extraArgs ?? []))
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var process = Process.Start(info)!;
        lock (Running) Running.Add(process);
        var server = new ServerProcess(process, url, dataFolder);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync(timeout ?? TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary>The default project's keys, written by the server at first start.</summary>
    public (string Id, string SecretKey) DefaultProject()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataFolder, "default-project.json")));
        return (doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("secretKey").GetString()!);
    }

    /// <summary>An HTTP client for this server.</summary>
    public HttpClient Client() => new() { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>
    /// Reads until one waited for everything this node acknowledged before it (no <c>Footfall-Applied-Lag</c> header).
    /// A read's own wait is bounded (<c>Log:ReadWait</c>, and none while an apply runs past the applier's stall bound),
    /// which a loaded box passes: a test that counts what is stored after a burst or a restart waits here first.
    /// </summary>
    public async Task WaitAppliedAsync(string secretKey)
    {
        var timeout = TimeSpan.FromSeconds(120);
        using var reader = Client();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using (var read = await reader.GetAsync("/v1/people/activity?userId=nobody"))
            {
                if (read.StatusCode == HttpStatusCode.OK && !read.Headers.Contains("Footfall-Applied-Lag"))
                    return;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the server did not apply what it acknowledged in {timeout}:\n{Output}");
            // Polling the server's own report; each read already waits (bounded) for the applier.
            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: no drain, no checkpoint.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Starts a process that is expected to refuse to start or to stop; returns its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Stderr, string Stdout)> RunToExitAsync(string dataFolder, IEnumerable<string>? extraArgs = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("dotnet");
        foreach (var arg in new[] { ServerAssembly, "serve", "--urls", $"http://127.0.0.1:{FreePort()}", "--data", dataFolder }.Concat(extraArgs ?? []))
            info.ArgumentList.Add(arg);
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(info, timeout ?? TimeSpan.FromSeconds(60));
        return (exitCode, stderr, stdout);
    }

    /// <summary>SIGTERM, then waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (Posix.Kill(_process.Id, Posix.SigTerm) != 0)
            throw new InvalidOperationException($"could not signal process {_process.Id}");
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // The output is read to its end before it is looked at.
                _process.WaitForExit();
                if (_process.ExitCode == 2 && Output.Contains("address already in use", StringComparison.Ordinal))
                    throw new PortTakenException(Output);
                throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync(Url + "/healthz")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }
            // Polling a process we do not control; this waits for readiness, it does not order test steps.
            await Task.Delay(100);
        }
        Kill();
        throw new TimeoutException($"the server did not become healthy in {timeout}:\n{Output}");
    }

    /// <summary>
    /// A loopback port nothing listens on right now, below the kernel's ephemeral range and never handed out twice by
    /// this process. Bug: port 0 gave ports from that range, so after a kill -9 any outgoing connection of the tests
    /// running beside could be given the killed server's port, and the restart on it failed (CI: clickhouse-server
    /// exited with 70 in a ClickHouse fault test's restart).
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(Math.Max(1024, EphemeralStart - 12_000), EphemeralStart);
                if (!HandedOut.Add(port))
                    continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Someone else's: try another.
                }
            }
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>The first port of the kernel's range for outgoing connections (ip_local_port_range).</summary>
    internal static readonly int EphemeralStart = int.Parse(
        File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0],
        System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        lock (Running) Running.Remove(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class PortTakenException(string output) : Exception(output);

    private static class Posix
    {
        public const int SigTerm = 15;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
