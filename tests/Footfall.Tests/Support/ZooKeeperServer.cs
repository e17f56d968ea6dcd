using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Footfall.Tests.Support;

/// <summary>
/// A real ZooKeeper (Debian's <c>zookeeper</c> package, which needs a JRE) on a free loopback port, its data in a temp
/// folder: the coordinator ClickHouse's Replicated tables and ON CLUSTER DDL need. Killed by PID on dispose.
/// </summary>
public sealed class ZooKeeperServer : IAsyncDisposable
{
    private const string Script = "/usr/share/zookeeper/bin/zkServer.sh";
    private readonly TempFolder _folder = new();
    private Process? _process;

    /// <summary>The client port.</summary>
    public int Port { get; } = ServerProcess.FreePort();

    /// <summary>Starts it and waits until it answers <c>ruok</c>.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Script))
            throw new InvalidOperationException("zookeeper is not installed: apt-get install -y zookeeper default-jre-headless");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data"));
        // The admin server would take port 8080 on every host; one command is allowed, the readiness probe.
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "zoo.cfg"), $"""
            tickTime=500
            dataDir={_folder.Path}/data
            clientPort={Port}
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok
            """);
        // Debian's script takes a configuration file outside /etc/zookeeper/conf by its full path; it execs java, so
        // the process's PID is the server's.
        var info = new ProcessStartInfo(Script) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "start-foreground", Path.Combine(_folder.Path, "zoo.cfg") })
            info.ArgumentList.Add(a);
        info.Environment["JVMFLAGS"] = "-Xmx128m";
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await AnswersAsync())
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"zookeeper exited with {_process.ExitCode}; see {_folder.Path}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("zookeeper did not answer ruok in 60 s");
            // Polling a process we do not control for readiness; not ordering test steps.
            await Task.Delay(100);
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("ruok"u8.ToArray());
            var buffer = new byte[4];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read) == "imok";
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process?.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
