namespace Footfall.Storage;

/// <summary>What the live page shows: recent events per minute.</summary>
public interface ILiveCounts
{
    /// <summary>Events per minute and action since <paramref name="since"/>.</summary>
    Task<IReadOnlyList<ActionCount>> CountByMinuteAsync(string projectId, DateTime since, CancellationToken cancellationToken = default);
}

/// <summary>A count of events of one action in one minute.</summary>
public sealed record ActionCount(DateTime Minute, string Action, long Count);
