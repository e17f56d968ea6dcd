using System.Runtime.InteropServices;

namespace Footfall.Log;

/// <summary>
/// fsync of a folder: a new segment file survives power loss only once its folder entry is on disk, and .NET has no
/// API for it (a folder cannot be opened as a file stream).
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return; // NTFS journals folder entries with the file itself.
        var fd = Open(folder, ReadOnly);
        if (fd < 0)
            throw new IOException($"Cannot open {folder} to flush it: errno {Marshal.GetLastPInvokeError()}.");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of {folder} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
