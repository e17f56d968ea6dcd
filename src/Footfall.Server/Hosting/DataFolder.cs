using System.Runtime.InteropServices;

namespace Footfall.Server.Hosting;

/// <summary>
/// The data folder holds every event and the default project's secret key, so only the server's own user may
/// read it: the folder is 0700 and its files 0600. DuckDB creates its database, WAL and temporary files itself,
/// so the process's umask covers those; the files Footfall writes get their mode explicitly.
/// </summary>
public static class DataFolder
{
    /// <summary>rwx for the owner only.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OthersBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Makes every file and folder the process creates from now on private to its user (umask 077).</summary>
    public static void RestrictNewFiles()
    {
        if (!OperatingSystem.IsWindows())
            _ = Umask(0b000_111_111);
    }

    /// <summary>
    /// Creates the folder as 0700, or narrows an existing one and everything in it to the owner: a folder made by
    /// an older version (0755, files 0644) becomes private at the next start.
    /// </summary>
    /// <exception cref="IOException">The path names a file.</exception>
    public static void Ensure(string path)
    {
        RefuseFile(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, FolderMode);
        Narrow(path);
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
            Narrow(entry);
    }

    /// <summary>Throws when <paramref name="path"/>, given as the data folder, names a file.</summary>
    public static void RefuseFile(string path)
    {
        if (File.Exists(path))
            throw new IOException($"--data {path} is a file; it must name a folder");
    }

    /// <summary>Writes (creating or replacing) a text file that only the owner can read.</summary>
    public static async Task WritePrivateAsync(string path, string text)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = FileMode;
        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(text);
        // UnixCreateMode applies only when the file is new; an existing one keeps its mode unless narrowed.
        if (!OperatingSystem.IsWindows())
            Narrow(path);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Narrow(string path)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersBits) != 0)
            File.SetUnixFileMode(path, mode & ~OthersBits);
    }

    // DllImport, not LibraryImport: the generated stub would need unsafe code for one blittable call.
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);
}
