using Footfall.Server.Hosting;

namespace Footfall.Server.Cli;

/// <summary>The <c>footfall</c> command line: <c>serve</c>, <c>projects create</c>, <c>import</c>, <c>log reset</c>.</summary>
public static class FootfallCommand
{
    private const string Usage = """
        footfall - self-hosted event analytics

        usage:
          footfall serve [--urls http://127.0.0.1:5080] [--data DIR] [--demo]
                         [--store duckdb|clickhouse] [--clickhouse "Host=...;Port=8123;Database=footfall"]
                         [--clickhouse-cluster NAME] [--duckdb-memory SIZE] [--identity-cache N]
          footfall projects create --name NAME [--data DIR | --server URL --admin-token TOKEN]
          footfall import FILE.ndjson|- --project ID [--data DIR [--duckdb-memory SIZE] | --server URL]
          footfall log reset [--data DIR] [--drop-unapplied] [--store clickhouse --clickhouse "..."]

        The embedded store (DuckDB) allows one process: while a server runs on DIR, use --server.
        log reset is for a data folder whose ingest log was lost or damaged, with no intact copy (docs/deploy.md).
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        DataFolder.RestrictNewFiles();
        try
        {
            return args switch
            {
                [] => await ServeAsync(args),
                ["serve", .. var rest] => await ServeAsync(rest),
                [var first, ..] when first.StartsWith("--", StringComparison.Ordinal) && first is not ("--help" or "-h") => await ServeAsync(args),
                ["projects", "create", .. var rest] => await ProjectsCommand.CreateAsync(CliArgs.Parse(rest)),
                ["import", .. var rest] => await ImportCommand.RunAsync(CliArgs.Parse(rest)),
                ["log", "reset", .. var rest] => await LogCommand.ResetAsync(CliArgs.Parse(rest, LogCommand.DropUnapplied)),
                _ => Help(),
            };
        }
        // A usage error, options the host refuses (FormatException: Kestrel's "Invalid url: ..." for --urls), or a data
        // folder (or a file named) that cannot be used as it is: a store newer than this binary, a log removed or
        // damaged. One line, not a crash; not a restart's business, since the same binary would refuse again.
        catch (Exception ex) when (ex is CliException or IOException or UnauthorizedAccessException or FormatException or InvalidDataException
            or Footfall.Storage.StoreVersionException or Footfall.Log.LogMismatchException)
        {
            Console.Error.WriteLine($"footfall: {ex.Message}");
            return 2;
        }
        catch (RocksDbSharp.RocksDbException ex)
        {
            // An index in the data folder could not be opened or written (e.g. its disk is full; damage is repaired at
            // open): a restart, once there is room, may find it back.
            Console.Error.WriteLine($"footfall: an index in the data folder failed: {ex.Message}");
            return Hosting.FatalStop.StoreFailed;
        }
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        WebApplication app;
        FootfallOptions options;
        try
        {
            app = FootfallApp.Build(args);
            options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FootfallOptions>>().Value;
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            throw new CliException(string.Join("; ", ex.Failures));
        }
        using var folder = DataFolderLock.TryAcquire(options.Data) ?? throw new CliException(DataFolderLock.InUse(options.Data));
        // Resolved now: the host disposes its services when it stops.
        var fatal = app.Services.GetRequiredService<FatalStop>();
        try
        {
            await app.RunAsync();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            throw new CliException(string.Join("; ", ex.Failures));
        }
        catch (Footfall.Storage.StoreUnavailableException ex)
        {
            // The store could not be opened at start: a supervisor's restart may find it back. Its own first line says why
            // (e.g. DuckDB: "... exists, but it is not a valid DuckDB database file!").
            await Console.Error.WriteLineAsync($"footfall: the store could not be opened: {(ex.InnerException ?? ex).Message.Split('\n')[0].Trim()}");
            return FatalStop.StoreFailed;
        }
        return fatal.ExitCode;
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 1;
    }
}

/// <summary>A usage error: printed without a stack trace, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs and positional arguments.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Arguments that are not options.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>Parses arguments; the options named in <paramref name="flags"/> take no value.</summary>
    public static CliArgs Parse(string[] args, params string[] flags)
    {
        var parsed = new CliArgs();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && flags.Contains(args[i][2..]))
            {
                parsed._flags.Add(args[i][2..]);
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                    throw new CliException($"{args[i]} needs a value");
                parsed._options[args[i][2..]] = args[++i];
            }
            else
            {
                parsed.Positional.Add(args[i]);
            }
        }
        return parsed;
    }

    /// <summary>Whether a flag was given.</summary>
    public bool Has(string name) => _flags.Contains(name);

    /// <summary>An option's value, or null.</summary>
    public string? Get(string name) => _options.GetValueOrDefault(name);

    /// <summary>An option's value, or a usage error naming it.</summary>
    public string Require(string name) => Get(name) ?? throw new CliException($"--{name} is required");
}
