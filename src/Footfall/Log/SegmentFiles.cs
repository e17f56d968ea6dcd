using System.Globalization;

namespace Footfall.Log;

/// <summary>
/// The segment files of one log folder. A segment is named by the log position of its first byte, so positions
/// run on across segments and a segment's size is the gap to the next one's name.
/// </summary>
internal static class SegmentFiles
{
    private const string Extension = ".seg";

    public static string PathOf(string folder, long start) =>
        Path.Combine(folder, start.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The start positions of the segments in the folder, ascending.</summary>
    public static List<long> List(string folder)
    {
        var starts = new List<long>();
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
                starts.Add(start);
        }
        starts.Sort();
        return starts;
    }

    /// <summary>
    /// Fails unless every closed segment is exactly as long as the gap to the next: closed segments were complete and
    /// flushed before the next was created, so anything else is damage that the log must not paper over.
    /// </summary>
    public static void CheckContiguous(string folder, List<long> starts)
    {
        for (var i = 0; i + 1 < starts.Count; i++)
        {
            var length = new FileInfo(PathOf(folder, starts[i])).Length;
            if (length != starts[i + 1] - starts[i])
                throw new InvalidDataException(
                    $"The log in {folder} is damaged: segment {starts[i]} holds {length} bytes, the next starts {starts[i + 1] - starts[i]} bytes on. " +
                    LogMismatchException.ResetAdvice);
        }
    }

    /// <summary>
    /// Leaves the folder one empty segment named <paramref name="start"/> (the log's next position), <paramref name="old"/>
    /// deleted: the new segment first, so a crash in between leaves the old ones behind it, never an empty folder that
    /// would start positions at 0 again.
    /// </summary>
    public static void StartEmptyAt(string folder, long start, IEnumerable<long> old)
    {
        var path = PathOf(folder, start);
        if (!File.Exists(path))
        {
            new FileStream(path, FileMode.CreateNew).Dispose();
            DirectorySync.Flush(folder);
        }
        foreach (var segment in old.Where(s => s != start))
            File.Delete(PathOf(folder, segment));
        DirectorySync.Flush(folder);
    }

    /// <summary>The length of the longest run of intact frames from the start of the file.</summary>
    public static long IntactLength(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        long length = 0;
        while (SegmentFrame.TryRead(file, file.Length - length) is { } payload)
            length += SegmentFrame.HeaderBytes + payload.Length;
        return length;
    }
}
