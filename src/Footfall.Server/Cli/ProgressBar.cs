namespace Footfall.Server.Cli;

/// <summary>A one-line progress bar on standard error, redrawn in place when it is a terminal.</summary>
public sealed class ProgressBar(long totalBytes)
{
    private const int Width = 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastPercent = -1;

    /// <summary>Shows how far the import is.</summary>
    public void Report(long doneBytes, ImportCommand.ImportTotals totals)
    {
        var percent = totalBytes == 0 ? 100 : (int)Math.Min(100, doneBytes * 100 / totalBytes);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        var filled = percent * Width / 100;
        var line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%  accepted {totals.Accepted}  duplicates {totals.Duplicates}  rejected {totals.Rejected}";
        if (_interactive) Console.Error.Write("\r" + line);
        else if (percent % 25 == 0) Console.Error.WriteLine(line);
    }

    /// <summary>Ends the line.</summary>
    public void Done()
    {
        if (_interactive) Console.Error.WriteLine();
    }
}
