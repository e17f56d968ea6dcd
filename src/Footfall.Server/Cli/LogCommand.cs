using Footfall.Ingest;
using Footfall.Server.Hosting;
using Footfall.Storage;

namespace Footfall.Server.Cli;

/// <summary>
/// <c>footfall log reset</c>: for a data folder whose start refuses because its ingest log was removed, replaced by an
/// older copy or damaged, when no intact copy of the log exists (<see cref="LogReset"/>).
/// </summary>
public static class LogCommand
{
    /// <summary>The flag that lets the reset drop acknowledged entries the store has not applied.</summary>
    public const string DropUnapplied = "drop-unapplied";

    /// <summary>Resets the log; exit code 0, 2 when it refuses, 3 when the store cannot be opened (nothing changed then).</summary>
    public static async Task<int> ResetAsync(CliArgs args)
    {
        if (args.Positional.Count > 0)
            throw new CliException($"log reset takes no argument '{args.Positional[0]}'");
        var options = new FootfallOptions
        {
            Data = args.Get("data") ?? "data", Store = args.Get("store") ?? "duckdb",
            ClickHouse = args.Get("clickhouse"), ClickHouseCluster = args.Get("clickhouse-cluster"),
        };
        if (options.Store is not ("duckdb" or "clickhouse"))
            throw new CliException($"--store must be duckdb or clickhouse, not '{options.Store}'");
        if (options.Store == "clickhouse" && options.ClickHouse is null)
            throw new CliException("--clickhouse is required with --store clickhouse (the same as the server's)");
        if (!Directory.Exists(options.Data))
            throw new CliException($"no data folder {options.Data}");
        // Not while a server runs on it: the log is its own.
        using var folder = DataFolderLock.TryAcquire(options.Data) ?? throw new CliException(DataFolderLock.InUse(options.Data));
        using var loggers = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        long applied;
        try
        {
            await using var store = StoreFactory.Create(options, loggers);
            await store.InitializeAsync();
            applied = await ((ILogSink)store).AppliedPositionAsync();
        }
        // Whatever kept the store from answering (a damaged file, ClickHouse away): the log is not touched without its position.
        catch (Exception ex) when (ex is not CliException)
        {
            await Console.Error.WriteLineAsync($"footfall: the store could not be opened, so the log was left as it is: {(ex.InnerException ?? ex).Message.Split('\n')[0].Trim()}");
            return FatalStop.StoreFailed;
        }
        LogResetReport report;
        try
        {
            report = LogReset.Run(options.Data, applied, args.Has(DropUnapplied));
        }
        catch (LogResetRefusedException ex)
        {
            throw new CliException(ex.Message);
        }
        Console.WriteLine($"the old log ended at position {report.LogEnd:N0}; the store had applied it up to {report.StorePosition:N0}, " +
            $"the idempotency key index {(report.KeyIndexPosition is { } keys ? $"up to {keys:N0}" : "not at all (missing or damaged)")}");
        if (report.DroppedBytes > 0)
            Console.WriteLine($"dropped {report.DroppedBytes:N0} bytes of acknowledged entries the store had not applied: their events are not stored");
        if (report.KeyIndexDeleted)
            Console.WriteLine("deleted the idempotency key index: the next start builds it again from the store's keys, so a client's retry " +
                "of an event that was not stored is stored, not answered as a duplicate");
        Console.WriteLine($"the log now starts empty at position {report.Start:N0}; start the server");
        return 0;
    }
}
