using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Footfall.Server.Cli;

/// <summary><c>footfall projects create</c>.</summary>
public static class ProjectsCommand
{
    /// <summary>Creates a project offline in the data folder, or through a running server's admin API.</summary>
    public static async Task<int> CreateAsync(CliArgs args)
    {
        var name = args.Require("name");
        if (args.Get("server") is { } server)
        {
            using var http = new HttpClient { BaseAddress = new Uri(server) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                args.Get("admin-token") ?? Environment.GetEnvironmentVariable("FOOTFALL_ADMIN_TOKEN") ?? throw new CliException("--admin-token is required with --server"));
            var response = await http.PostAsJsonAsync("/v1/admin/projects", new { name });
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new CliException($"the server answered {(int)response.StatusCode}: {body}");
            Console.WriteLine(body);
            return 0;
        }
        await using var engine = await OfflineEngine.OpenAsync(args.Get("data") ?? "data");
        var (project, secret) = await engine.Projects.CreateAsync(name);
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { id = project.Id, name = project.Name, secretKey = secret }));
        return 0;
    }
}
