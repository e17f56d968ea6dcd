using System.Diagnostics;

namespace Footfall.Tests.Support;

/// <summary>
/// A tmpfs of a few megabytes mounted on a fresh folder (the tests run as root), to fill the disk under a real
/// server. Unmounted (lazily, should a process still hold a file) and deleted on dispose.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private readonly TempFolder _folder = new();

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB.</summary>
    public SmallDisk(int megabytes)
    {
        var mount = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", _folder.Path);
        if (mount.Code != 0)
            throw new InvalidOperationException($"mount -t tmpfs failed (the fault tests need root and a sandbox that allows mounts): {mount.Output}");
    }

    /// <summary>The mounted folder.</summary>
    public string Path => _folder.Path;

    /// <summary>Copies every file of <paramref name="folder"/> under this disk to <paramref name="destination"/>.</summary>
    public static void CopyFiles(string folder, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(folder))
            File.Copy(file, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file)), overwrite: true);
        // The ingest log and the key index hold acknowledged events the store may not have yet.
        foreach (var sub in Directory.GetDirectories(folder))
            CopyFiles(sub, System.IO.Path.Combine(destination, System.IO.Path.GetFileName(sub)));
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Run("umount", "-l", _folder.Path);
        _folder.Dispose();
    }
}
