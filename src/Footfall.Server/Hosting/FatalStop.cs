namespace Footfall.Server.Hosting;

/// <summary>
/// Stops the process when it cannot go on, with an exit code that says so: a supervisor restarts a process that
/// exits non-zero, and a failure must never look like a clean stop (exit 0). Everything short of this (a store
/// outage, a failed refresh) is logged and retried instead.
/// </summary>
public sealed class FatalStop(IHostApplicationLifetime lifetime, ILogger<FatalStop> logger)
{
    /// <summary>The store failed in a way that needs a fresh process (e.g. DuckDB invalidated its database).</summary>
    public const int StoreFailed = 3;

    /// <summary>The data folder cannot be served as it is (e.g. its log was removed): a restart would stop the same way.</summary>
    public const int DataFolderRefused = 2;

    /// <summary>A bug: a background loop failed unexpectedly.</summary>
    public const int Unexpected = 1;

    private int _exitCode;

    /// <summary>The exit code the process ends with: 0 unless <see cref="Stop"/> was called.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Logs why, then stops the host (draining as on SIGTERM); the first reason's code wins.</summary>
    public void Stop(int exitCode, Exception? error, string reason)
    {
        logger.LogCritical(error, "Stopping with exit code {ExitCode}: {Reason}", exitCode, reason);
        Interlocked.CompareExchange(ref _exitCode, exitCode, 0);
        lifetime.StopApplication();
    }
}
