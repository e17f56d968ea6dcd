namespace Footfall.Server.Hosting;

/// <summary>
/// One server per data folder: a lock file held (flock, released by the kernel when the process dies, even by
/// kill -9) for as long as the server runs. A second server refuses to start instead of crashing inside DuckDB.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    /// <summary>The lock file's name in the data folder.</summary>
    public const string FileName = "footfall.lock";

    private readonly FileStream _file;

    private DataFolderLock(FileStream file) => _file = file;

    /// <summary>Takes the folder (creating it), or returns null when another process holds it.</summary>
    public static DataFolderLock? TryAcquire(string dataFolder)
    {
        // Not DataFolder.Ensure: narrowing every file in the folder is the store's start's, once.
        DataFolder.RefuseFile(dataFolder);
        Directory.CreateDirectory(dataFolder);
        // FileShare.None is an exclusive flock on Unix: a second open, from any process, fails.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            return new DataFolderLock(new FileStream(Path.Combine(dataFolder, FileName), options));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The one line a second server prints before it exits with code 2.</summary>
    public static string InUse(string dataFolder) =>
        $"the data folder {Path.GetFullPath(dataFolder)} is in use by another Footfall server; stop it, use another --data, or go through it with --server";

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
