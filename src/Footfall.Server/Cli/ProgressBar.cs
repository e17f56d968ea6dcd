namespace Footfall.Server.Cli;

/// <summary>
/// A one-line progress bar on standard error, redrawn in place when it is a terminal. Without a known size
/// (standard input) it counts what was read instead of a percentage.
/// </summary>
public sealed class ProgressBar(long? totalBytes)
{
    private const int Width = 30;
    // Without a size, a redirected standard error gets a line per this many bytes read (about 3M events).
    private const long UnsizedStep = 1L << 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private long _lastStep = -1;

    /// <summary>Shows how far the import is; <paramref name="final"/> always draws.</summary>
    public void Report(long doneBytes, ImportCommand.ImportTotals totals, bool final = false)
    {
        var counts = $"accepted {totals.Accepted}  duplicates {totals.Duplicates}  rejected {totals.Rejected}";
        string line;
        long step;
        if (totalBytes is { } total)
        {
            var percent = total == 0 || final ? 100 : (int)Math.Min(100, doneBytes * 100 / total);
            var filled = percent * Width / 100;
            line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%  {counts}";
            step = final ? long.MaxValue : _interactive ? percent : percent / 25;
        }
        else
        {
            line = $"read {doneBytes / (1024 * 1024.0):F0} MiB  {counts}";
            step = final ? long.MaxValue : _interactive ? doneBytes >> 20 : doneBytes / UnsizedStep;
        }
        if (step == _lastStep) return;
        _lastStep = step;
        if (_interactive) Console.Error.Write("\r" + line);
        else Console.Error.WriteLine(line);
    }

    /// <summary>Ends the line.</summary>
    public void Done()
    {
        if (_interactive) Console.Error.WriteLine();
    }
}
