namespace Footfall.Storage.Deadlines;

/// <summary>
/// Puts a deadline on a call into a store and turns every way a store can fail into one
/// <see cref="StoreUnavailableException"/>, recording the outcome in <see cref="StoreHealth"/>. The caller's own
/// cancellation (a request that went away) passes through unchanged. The server wraps each role of whichever store it
/// opened in a decorator that runs every call through this (<c>Deadline*</c> beside it), so neither store has to
/// remember a timeout on each of its calls.
/// </summary>
public sealed class StoreDeadline(StoreOptions options, StoreHealth health)
{
    /// <summary>Runs a point call (<see cref="StoreOptions.Timeout"/>).</summary>
    public Task CallAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.Timeout, async ct => { await call(ct); return true; }, cancellationToken);

    /// <summary>Runs a point call (<see cref="StoreOptions.Timeout"/>) and returns its answer.</summary>
    public Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.Timeout, call, cancellationToken);

    /// <summary>Runs a call that may scan (<see cref="StoreOptions.ScanTimeout"/>).</summary>
    public Task ScanAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.ScanTimeout, async ct => { await call(ct); return true; }, cancellationToken);

    /// <summary>Runs a call that may scan (<see cref="StoreOptions.ScanTimeout"/>) and returns its answer.</summary>
    public Task<T> ScanAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.ScanTimeout, call, cancellationToken);

    /// <summary>Runs one batch of the log's applier (<see cref="StoreOptions.ApplyTimeout"/>) and returns its answer.</summary>
    public Task<T> ApplyAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.ApplyTimeout, call, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, TimeSpan deadline, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            // Task.Run and WaitAsync: the embedded store works synchronously inside its async methods and does not
            // stop at a cancelled token; the caller is released at the deadline all the same.
            var result = await Task.Run(() => call(timeout.Token), timeout.Token).WaitAsync(timeout.Token);
            health.Succeeded();
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            var problem = $"the store did not answer {operation} within {deadline.TotalSeconds:0.###} s";
            health.Failed(problem);
            throw new StoreUnavailableException(problem, ex);
        }
        catch (StoreBrokenException ex)
        {
            health.Broke(ex.Message);
            throw new StoreUnavailableException("the store is unavailable; retry shortly", ex);
        }
        // A StoreLimitException is a bound the store was configured with, not a failure: it passes through, and the
        // store's health stays as it is.
        catch (Exception ex) when (ex is not (StoreUnavailableException or StoreVersionException or StoreLimitException))
        {
            // Neither the client nor /healthz sees the store's message: it can quote SQL and the rows it names.
            health.Failed($"{operation} failed with {ex.GetType().Name}{(ex.InnerException is { } inner ? " (" + inner.GetType().Name + ")" : "")}");
            throw new StoreUnavailableException("the store is unavailable; retry shortly", ex);
        }
    }
}
