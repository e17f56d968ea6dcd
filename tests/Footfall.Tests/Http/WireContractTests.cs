using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Footfall.Tests.Support;

namespace Footfall.Tests.Http;

/// <summary>
/// The wire contract is written down twice from the server's own description: <c>dashboard/openapi.json</c> (the
/// OpenAPI document the server serves) and <c>dashboard/src/api-types.ts</c> (the dashboard's types, generated from
/// it by <c>dashboard/scripts/api-types.mjs</c>). These fail when either is stale; <c>dashboard/scripts/update-api-types.sh</c>
/// runs them with <c>FOOTFALL_UPDATE_WIRE=1</c>, which rewrites both instead.
/// </summary>
public sealed class WireContractTests : IClassFixture<FootfallFactory>
{
    private static readonly string Document = RepositoryRoot.Combine("dashboard", "openapi.json");
    private static readonly string Types = RepositoryRoot.Combine("dashboard", "src", "api-types.ts");
    private static readonly bool Update = Environment.GetEnvironmentVariable("FOOTFALL_UPDATE_WIRE") == "1";
    private readonly FootfallFactory _factory;

    public WireContractTests(FootfallFactory factory) => _factory = factory;

    [Fact]
    public async Task The_committed_openapi_document_is_the_one_the_server_serves()
    {
        using var http = _factory.CreateClient();
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!.AsObject();
        // Where the test host happened to listen is not part of the contract.
        served.Remove("servers");
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Update)
            await File.WriteAllTextAsync(Document, text);
        Assert.True(text == await File.ReadAllTextAsync(Document),
            "dashboard/openapi.json is stale: run dashboard/scripts/update-api-types.sh and commit the result");
    }

    [Fact]
    public async Task The_dashboard_types_are_generated_from_the_committed_document()
    {
        var generated = await GenerateAsync();
        if (Update)
            await File.WriteAllTextAsync(Types, generated);
        Assert.True(generated == await File.ReadAllTextAsync(Types),
            "dashboard/src/api-types.ts is stale: run dashboard/scripts/update-api-types.sh and commit the result");
    }

    private static async Task<string> GenerateAsync()
    {
        var start = new ProcessStartInfo("node", ["scripts/api-types.mjs", "openapi.json"])
        {
            WorkingDirectory = RepositoryRoot.Combine("dashboard"), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"the generator failed: {await errors}");
        return await output;
    }
}
