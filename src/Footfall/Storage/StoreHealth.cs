using System.Diagnostics;

namespace Footfall.Storage;

/// <summary>
/// Whether the store answered its last call: written by <see cref="Deadlines.StoreDeadline"/> after every call, read by
/// <c>/healthz</c>. A failure marks it down at once; the next call that succeeds (a probe, when nothing else calls)
/// marks it up again.
/// </summary>
public sealed class StoreHealth
{
    private sealed record State(bool Up, string? Problem, long Since);

    private volatile State _state = new(true, null, Stopwatch.GetTimestamp());
    private long _lastSuccess = Stopwatch.GetTimestamp();

    /// <summary>Whether the last store call succeeded.</summary>
    public bool IsUp => _state.Up;

    /// <summary>Why the store is down (the last failure), or null while it is up.</summary>
    public string? Problem => _state.Problem;

    /// <summary>How long the store has been in its current state.</summary>
    public TimeSpan InStateFor => Stopwatch.GetElapsedTime(_state.Since);

    /// <summary>Why the store can serve nothing more in this process (<see cref="StoreBrokenException"/>), or null.</summary>
    public string? Broken { get; private set; }

    /// <summary>How long ago a store call last succeeded.</summary>
    public TimeSpan SinceLastSuccess => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSuccess));

    internal void Succeeded()
    {
        Interlocked.Exchange(ref _lastSuccess, Stopwatch.GetTimestamp());
        if (!_state.Up)
            _state = new State(true, null, Stopwatch.GetTimestamp());
    }

    internal void Broke(string problem)
    {
        Broken ??= problem;
        Failed(problem);
    }

    internal void Failed(string problem) =>
        _state = _state.Up ? new State(false, problem, Stopwatch.GetTimestamp()) : _state with { Problem = problem };
}
