using System.Diagnostics;
using System.Net;

namespace Footfall.Tests.Support;

/// <summary>
/// A real <c>clickhouse-server</c> process on free loopback ports, its data in a temp folder, configured by a file
/// written there. One per test collection (<see cref="ClickHouseCollection"/>); each test uses its own database.
/// Fault tests own one and kill (<c>kill -9</c>), restart (same ports, same data) or pause (SIGSTOP) it.
/// Killed by PID on dispose.
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly int? _tcpPort;
    private readonly string _extraConfig = "";
    private Process? _process;
    private Process? _killedOnPurpose;
    private string _config = "";

    /// <summary>A server on free ports (the collection fixture).</summary>
    public ClickHouseServer()
    {
    }

    /// <summary>A server on the given ports with more configuration (a node of <see cref="ClickHouseCluster"/>).</summary>
    internal ClickHouseServer(int httpPort, int tcpPort, string extraConfig)
    {
        HttpPort = httpPort;
        _tcpPort = tcpPort;
        _extraConfig = extraConfig;
    }

    /// <summary>The folder holding the server's data, logs and configuration.</summary>
    public string Folder => _folder.Path;

    /// <summary>The HTTP port.</summary>
    public int HttpPort { get; private set; }

    /// <summary>A connection string for a fresh database (created by the store on first use).</summary>
    public string ConnectionString(string? database = null) =>
        $"Host=127.0.0.1;Port={HttpPort};Username=default;Database={database ?? "t_" + Guid.NewGuid().ToString("N")[..12]}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (HttpPort == 0)
            HttpPort = ServerProcess.FreePort();
        var tcpPort = _tcpPort ?? ServerProcess.FreePort();
        foreach (var dir in new[] { "data", "tmp", "log" })
            Directory.CreateDirectory(Path.Combine(_folder.Path, dir));
        File.Copy("/etc/clickhouse-server/users.xml", Path.Combine(_folder.Path, "users.xml"));
        var config = _config = Path.Combine(_folder.Path, "config.xml");
        // <yandex> is the root 18.16 expects; current servers still accept it.
        await File.WriteAllTextAsync(config, $"""
            <yandex>
              <logger><level>warning</level><log>{_folder.Path}/log/server.log</log><errorlog>{_folder.Path}/log/error.log</errorlog></logger>
              <listen_host>127.0.0.1</listen_host>
              <http_port>{HttpPort}</http_port>
              <tcp_port>{tcpPort}</tcp_port>
              <path>{_folder.Path}/data/</path>
              <tmp_path>{_folder.Path}/tmp/</tmp_path>
              <users_config>{_folder.Path}/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>268435456</mark_cache_size>
              <!-- Parts superseded by a merge or mutation go within seconds, not 8 minutes: erasure tests wait for them. -->
              <merge_tree><old_parts_lifetime>1</old_parts_lifetime><cleanup_delay_period>1</cleanup_delay_period></merge_tree>
              {_extraConfig}
            </yandex>
            """);
        await StartAsync();
    }

    /// <summary>kill -9, no shutdown: whatever ClickHouse had not finished writing is gone.</summary>
    public void Kill()
    {
        Volatile.Write(ref _killedOnPurpose, _process);
        if (_process is { HasExited: false })
            _process.Kill();
        _process?.WaitForExit();
    }

    /// <summary>Starts the server again on the same ports and data folder (after <see cref="Kill"/>).</summary>
    public async Task RestartAsync()
    {
        Kill();
        _process?.Dispose();
        await StartAsync();
    }

    /// <summary>SIGSTOP: the server keeps its sockets but answers nothing until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(19);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(18);

    private void Signal(int signal)
    {
        if (Posix.Kill(_process!.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    private async Task StartAsync()
    {
        var (file, args) = Executable();
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder.Path };
        foreach (var a in args.Append($"--config-file={_config}"))
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Only bounds a server that never comes up: three start at once for the cluster, a restart after kill -9 loads
        // its parts, and a loaded CI box stretches both.
        await WaitForPingAsync(TimeSpan.FromSeconds(120));
    }

    private static (string File, string[] Args) Executable()
    {
        foreach (var path in new[] { "/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server" })
        {
            if (File.Exists(path)) return (path, []);
        }
        foreach (var path in new[] { "/usr/bin/clickhouse", "/usr/local/bin/clickhouse" })
        {
            if (File.Exists(path)) return (path, ["server"]);
        }
        throw new InvalidOperationException("clickhouse-server is not installed: apt-get install -y clickhouse-server clickhouse-client");
    }

    private async Task WaitForPingAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            // A test's kill can land while a restart still polls (a client reaches the server between two pings):
            // the start succeeded, the kill was asked for; only an exit nobody asked for is a failure.
            if (_process!.HasExited && ReferenceEquals(Volatile.Read(ref _killedOnPurpose), _process))
                return;
            if (_process.HasExited)
                throw new InvalidOperationException($"clickhouse-server exited with {_process.ExitCode}; the end of its error log:{Environment.NewLine}{ErrorLogTail()}");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{HttpPort}/ping")).StatusCode == HttpStatusCode.OK)
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
            // Polling a process we do not control for readiness; not ordering test steps.
            await Task.Delay(50);
        }
        throw new TimeoutException($"clickhouse-server did not answer /ping in {timeout}");
    }

    // The folder goes with the test: a failed start says why in its message (CI keeps nothing else).
    private string ErrorLogTail()
    {
        var log = Path.Combine(_folder.Path, "log", "error.log");
        return File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15)) : "(none)";
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Resume();
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static class Posix
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}

/// <summary>Test classes in this collection share one <see cref="ClickHouseServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ClickHouseCollection : ICollectionFixture<ClickHouseServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ClickHouse";
}
