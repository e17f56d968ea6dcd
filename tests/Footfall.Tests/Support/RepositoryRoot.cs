namespace Footfall.Tests.Support;

/// <summary>The checkout the tests run from: files the tests read in place (vendor SDKs, fixtures) live under it.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding <c>Footfall.sln</c>, joined with <paramref name="parts"/>.</summary>
    public static string Combine(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Footfall.sln")))
                return Path.Combine([dir.FullName, .. parts]);
        }
        throw new InvalidOperationException($"no Footfall.sln above {AppContext.BaseDirectory}");
    }
}
