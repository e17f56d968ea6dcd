namespace Footfall.Tests.Support;

/// <summary>
/// Waiting on another process's state (a server's background work, ClickHouse's own cleanup, a log line): the
/// condition, not the delay, orders the test; the bound only fails a condition that never holds, and is generous
/// because a loaded box stretches everything.
/// </summary>
internal static class Poll
{
    /// <summary>Reads until <paramref name="done"/> holds and returns that read; fails with <paramref name="failure"/> of the last read past <paramref name="bound"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan bound, Func<T, string> failure, int everyMs = 200)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(DateTime.UtcNow < deadline, failure(value));
            await Task.Delay(everyMs);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with <paramref name="failure"/> past <paramref name="bound"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan bound, string failure, int everyMs = 200) =>
        UntilAsync(condition, holds => holds, bound, _ => failure, everyMs);
}
