using System.Text.Json;
using Footfall.Projects;

namespace Footfall.Server.Hosting;

/// <summary>
/// Without an admin token, the first start creates a project named <c>default</c>, prints its keys and writes
/// them to <c>DATA/default-project.json</c>, so a new user can send events at once.
/// </summary>
public static class DefaultProject
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "default-project.json";

    /// <summary>The keys file's content.</summary>
    public sealed record Keys(string Id, string SecretKey);

    /// <summary>Reads the keys file, creating the project when there is none yet.</summary>
    public static async Task<Keys> EnsureAsync(string dataFolder, ProjectDirectory projects, ILogger logger)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<Keys>(await File.ReadAllTextAsync(path), Storage.StoreJson.Options)!;
            if (await projects.FindAsync(existing.Id) is not null)
                return existing;
        }
        var (project, secret) = await projects.CreateAsync("default");
        var keys = new Keys(project.Id, secret);
        DataFolder.Ensure(dataFolder);
        await DataFolder.WritePrivateAsync(path, JsonSerializer.Serialize(keys, Storage.StoreJson.Options));
        logger.LogInformation("Created the default project. Project id: {ProjectId}  Secret key: {SecretKey}  (saved to {Path})",
            keys.Id, keys.SecretKey, path);
        return keys;
    }
}
