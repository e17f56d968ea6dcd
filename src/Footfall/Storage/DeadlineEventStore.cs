using Footfall.Events;
using Footfall.Experiences;
using Footfall.Identity;
using Footfall.Projects;

namespace Footfall.Storage;

/// <summary>
/// Puts a deadline on every call into a store and turns every way a store can fail into one
/// <see cref="StoreUnavailableException"/>, recording the outcome in <see cref="StoreHealth"/>. The caller's own
/// cancellation (a request that went away) passes through unchanged. The server wraps whichever store it opened in
/// this, so neither store has to remember a timeout on each of its calls.
/// </summary>
public sealed class DeadlineEventStore(IEventStore inner, StoreOptions options, StoreHealth health) : IEventStore, ILogSink
{
    /// <summary>Whether the store behind the deadlines can be fed by the log's applier.</summary>
    public bool IsLogSink => inner is ILogSink;

    /// <inheritdoc />
    // A one-time scan at start, before anything is served: no deadline.
    public IEnumerable<(string ProjectId, string Key)> StoredKeys() => ((ILogSink)inner).StoredKeys();

    /// <inheritdoc />
    public Task<long> AppliedPositionAsync(CancellationToken cancellationToken = default) =>
        Call(nameof(AppliedPositionAsync), ct => ((ILogSink)inner).AppliedPositionAsync(ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteOutcome>> ApplyAsync(IReadOnlyList<ProjectWrite> writes, IReadOnlyList<long> entryEnds, CancellationToken cancellationToken = default) =>
        RunAsync(nameof(ApplyAsync), options.ApplyTimeout, ct => ((ILogSink)inner).ApplyAsync(writes, entryEnds, ct), cancellationToken);

    /// <inheritdoc />
    public TimeSpan ApplyInterval => ((ILogSink)inner).ApplyInterval;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        Scan(nameof(InitializeAsync), ct => inner.InitializeAsync(ct), cancellationToken);

    /// <inheritdoc />
    public Task CreateProjectAsync(Project project, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateProjectAsync), ct => inner.CreateProjectAsync(project, ct), cancellationToken);

    /// <inheritdoc />
    public Task<Project?> FindProjectAsync(string projectId, CancellationToken cancellationToken = default) =>
        Call(nameof(FindProjectAsync), ct => inner.FindProjectAsync(projectId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Project>> ListProjectsAsync(CancellationToken cancellationToken = default) =>
        Call(nameof(ListProjectsAsync), inner.ListProjectsAsync, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<ProjectWrite> writes, CancellationToken cancellationToken = default) =>
        Call(nameof(CommitAsync), ct => inner.CommitAsync(writes, ct), cancellationToken);

    /// <inheritdoc />
    public Task SaveExperienceAsync(string projectId, ExperienceDefinition experience, CancellationToken cancellationToken = default) =>
        Call(nameof(SaveExperienceAsync), ct => inner.SaveExperienceAsync(projectId, experience, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperienceDefinition>> ListExperiencesAsync(string projectId, CancellationToken cancellationToken = default) =>
        Call(nameof(ListExperiencesAsync), ct => inner.ListExperiencesAsync(projectId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetSettingAsync(string projectId, string name, CancellationToken cancellationToken = default) =>
        Call(nameof(GetSettingAsync), ct => inner.GetSettingAsync(projectId, name, ct), cancellationToken);

    /// <inheritdoc />
    public Task SaveSettingAsync(string projectId, string name, string json, CancellationToken cancellationToken = default) =>
        Call(nameof(SaveSettingAsync), ct => inner.SaveSettingAsync(projectId, name, json, ct), cancellationToken);

    /// <inheritdoc />
    public Task<PersonRecord?> FindPersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default) =>
        Call(nameof(FindPersonAsync), ct => inner.FindPersonAsync(projectId, identifier, ct), cancellationToken);

    /// <inheritdoc />
    public Task<ActivityPage> GetActivityAsync(string projectId, Identifier identifier, int limit, ActivityCursor? before = null,
        CancellationToken cancellationToken = default) =>
        Call(nameof(GetActivityAsync), ct => inner.GetActivityAsync(projectId, identifier, limit, before, ct), cancellationToken);

    /// <inheritdoc />
    public Task SetAttributesAsync(string projectId, Identifier identifier, IReadOnlyDictionary<string, string> attributesJson, CancellationToken cancellationToken = default) =>
        Call(nameof(SetAttributesAsync), ct => inner.SetAttributesAsync(projectId, identifier, attributesJson, ct), cancellationToken);

    /// <inheritdoc />
    public Task<long> ErasePersonAsync(string projectId, Identifier identifier, CancellationToken cancellationToken = default) =>
        Scan(nameof(ErasePersonAsync), ct => inner.ErasePersonAsync(projectId, identifier, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RejectedEvent>> GetRejectedAsync(string projectId, int limit, CancellationToken cancellationToken = default) =>
        Call(nameof(GetRejectedAsync), ct => inner.GetRejectedAsync(projectId, limit, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VariantCounts>> CountExperienceAsync(string projectId, ExperienceDefinition experience, TimeRange range, CancellationToken cancellationToken = default) =>
        Scan(nameof(CountExperienceAsync), ct => inner.CountExperienceAsync(projectId, experience, range, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DailyVariantCounts>> ExperienceTimelineAsync(string projectId, ExperienceDefinition experience, string metric, TimeRange range,
        CancellationToken cancellationToken = default) =>
        Scan(nameof(ExperienceTimelineAsync), ct => inner.ExperienceTimelineAsync(projectId, experience, metric, range, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default) =>
        Scan(nameof(CountByMinuteAsync), ct => inner.CountByMinuteAsync(projectId, since, ct), cancellationToken);

    /// <inheritdoc />
    public Task<ProductInteractionSet> ReadProductInteractionsAsync(string projectId, TimeRange range, bool sourcedOnly = false, CancellationToken cancellationToken = default) =>
        Scan(nameof(ReadProductInteractionsAsync), ct => inner.ReadProductInteractionsAsync(projectId, range, sourcedOnly, ct), cancellationToken);

    /// <inheritdoc />
    public Task RecordResponsesAsync(string projectId, IReadOnlyList<ServedResponse> responses, CancellationToken cancellationToken = default) =>
        Call(nameof(RecordResponsesAsync), ct => inner.RecordResponsesAsync(projectId, responses, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ServedResponse>> ReadResponsesAsync(string projectId, TimeRange range, CancellationToken cancellationToken = default) =>
        Scan(nameof(ReadResponsesAsync), ct => inner.ReadResponsesAsync(projectId, range, ct), cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task Call(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.Timeout, async ct => { await call(ct); return true; }, cancellationToken);

    private Task Scan(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.ScanTimeout, async ct => { await call(ct); return true; }, cancellationToken);

    private Task<T> Call<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.Timeout, call, cancellationToken);

    private Task<T> Scan<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(operation, options.ScanTimeout, call, cancellationToken);

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
        catch (Exception ex) when (ex is not StoreUnavailableException)
        {
            // Neither the client nor /healthz sees the store's message: it can quote SQL and the rows it names.
            health.Failed($"{operation} failed with {ex.GetType().Name}{(ex.InnerException is { } inner ? " (" + inner.GetType().Name + ")" : "")}");
            throw new StoreUnavailableException("the store is unavailable; retry shortly", ex);
        }
    }
}
